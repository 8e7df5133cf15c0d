import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson, sendJsonThenDie } from '../http';
import { ids } from '../ids';
import { asObject, asString, promptChars } from '../json';
import type { JsonObject } from '../json';
import { resolveScript } from '../scenario';
import { generationDelayMs, pause, playStream } from '../stream';
import { estimateTokens } from '../text';
import {
  anthropicHeaders,
  defaultAnthropicError,
  invalidRequest,
  JSON_TYPE,
  sendAnthropicError,
  sendAnthropicScenarioError,
  SSE_TYPE,
  streamErrorFrame,
} from './common';
import { messageBody, messageStreamFrames } from './render';
import { validateCommon, validateMessagesRequest } from './validate';

const INVALID_JSON =
  'There was an error parsing the body of your request. Please check that it is valid JSON.';

/** The deterministic prompt size shared by count_tokens and the usage of a generation. */
function promptTokens(body: JsonObject): number {
  return Math.max(1, estimateTokens(promptChars(body, ['system', 'messages', 'tools'])));
}

/** Thinking is only produced when the request turns it on. */
function thinkingRequested(body: JsonObject): boolean {
  const type = asObject(body.thinking)?.type;
  return type === 'enabled' || type === 'adaptive';
}

/** `POST /v1/messages` (with or without `?beta=true`). */
export async function handleMessages(req: MockRequest, res: ServerResponse, ctx: MockContext): Promise<void> {
  const scenario = ctx.nextScenario();
  if (scenario.kind === 'error') {
    sendAnthropicScenarioError(res, scenario);
    return;
  }
  const body = asObject(req.json);
  if (!body) {
    sendAnthropicError(res, 400, invalidRequest(INVALID_JSON));
    return;
  }
  const invalid = validateMessagesRequest(body);
  if (invalid) {
    sendAnthropicError(res, 400, invalid);
    return;
  }
  const script = resolveScript(scenario, promptTokens(body), thinkingRequested(body) ? 'show' : 'none');
  const meta = { id: ids.anthropicMessage(), model: asString(body.model) ?? '' };

  if (body.stream !== true) {
    if (script.cut?.mode === 'error') {
      const status = script.cut.status ?? 529;
      const base = defaultAnthropicError(status);
      sendAnthropicError(res, status, { ...base, message: script.cut.message ?? base.message });
      return;
    }
    await pause(generationDelayMs(script), ctx.signal);
    const requestId = ids.anthropicRequest();
    const message = messageBody(script, meta);
    if (script.cut?.mode === 'die') sendJsonThenDie(res, message, anthropicHeaders(JSON_TYPE, requestId));
    else sendJson(res, 200, message, anthropicHeaders(JSON_TYPE, requestId));
    return;
  }

  res.writeHead(200, { ...anthropicHeaders(SSE_TYPE, ids.anthropicRequest()), 'cache-control': 'no-cache' });
  const cut = script.cut;
  await playStream(
    res,
    messageStreamFrames(script, meta),
    script,
    () =>
      streamErrorFrame(
        cut?.mode === 'error' ? cut.status : undefined,
        cut?.mode === 'error' ? cut.message : undefined,
      ),
    ctx.signal,
  );
}

/** `POST /v1/messages/count_tokens`: ceil(characters / 4) of the prompt text. */
export function handleCountTokens(req: MockRequest, res: ServerResponse): void {
  const body = asObject(req.json);
  if (!body) {
    sendAnthropicError(res, 400, invalidRequest(INVALID_JSON));
    return;
  }
  const invalid = validateCommon(body);
  if (invalid) {
    sendAnthropicError(res, 400, invalid);
    return;
  }
  sendJson(
    res,
    200,
    { input_tokens: promptTokens(body) },
    anthropicHeaders(JSON_TYPE, ids.anthropicRequest()),
  );
}
