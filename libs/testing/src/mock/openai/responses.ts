import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson, sendJsonThenDie } from '../http';
import { ids } from '../ids';
import { asObject, promptChars } from '../json';
import { resolveScript } from '../scenario';
import { generationDelayMs, pause, playStream } from '../stream';
import { estimateTokens } from '../text';
import {
  defaultOpenAIError,
  JSON_TYPE,
  missingParameter,
  openaiHeaders,
  sendOpenAIError,
  SSE_TYPE,
  acceptGeneration,
} from './common';
import { responseBody, responseStreamErrorFrame, responseStreamFrames } from './responses-render';

/** `POST /v1/responses`. */
export async function handleResponses(
  req: MockRequest,
  res: ServerResponse,
  ctx: MockContext,
): Promise<void> {
  const accepted = acceptGeneration(req, res, ctx);
  if (!accepted) return;
  const { scenario, body, model } = accepted;
  if (body.model === undefined) {
    sendOpenAIError(res, req, 400, missingParameter('model'));
    return;
  }
  const promptTokens = Math.max(1, estimateTokens(promptChars(body, ['instructions', 'input', 'tools'])));
  const script = resolveScript(scenario, promptTokens, 'show');
  const meta = {
    id: ids.responsesObject('resp_'),
    createdAt: Math.floor(Date.now() / 1000),
    model,
    request: body,
    summarize: asObject(body.reasoning)?.summary != null,
  };

  if (body.stream !== true) {
    if (script.cut?.mode === 'error') {
      const status = script.cut.status ?? 500;
      const base = defaultOpenAIError(status, model);
      sendOpenAIError(res, req, status, { ...base, message: script.cut.message ?? base.message });
      return;
    }
    await pause(generationDelayMs(script), ctx.signal);
    const response = responseBody(script, meta);
    if (script.cut?.mode === 'die') sendJsonThenDie(res, response, openaiHeaders(req, JSON_TYPE));
    else sendJson(res, 200, response, openaiHeaders(req, JSON_TYPE));
    return;
  }

  res.writeHead(200, openaiHeaders(req, SSE_TYPE));
  const cut = script.cut;
  await playStream(
    res,
    responseStreamFrames(script, meta),
    script,
    (written) =>
      responseStreamErrorFrame(
        written,
        cut?.mode === 'error' ? cut.status : undefined,
        cut?.mode === 'error' ? cut.message : undefined,
      ),
    ctx.signal,
  );
}
