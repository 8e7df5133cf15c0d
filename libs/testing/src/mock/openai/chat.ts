import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson, sendJsonThenDie } from '../http';
import { ids } from '../ids';
import { asObject, promptChars } from '../json';
import { resolveScript } from '../scenario';
import { generationDelayMs, pause, playStream } from '../stream';
import { estimateTokens } from '../text';
import { chatCompletion, chatStreamFrames } from './chat-render';
import { validateChatRequest } from './chat-validate';
import {
  chatStreamErrorFrame,
  defaultOpenAIError,
  JSON_TYPE,
  openaiHeaders,
  sendOpenAIError,
  SSE_TYPE,
  acceptGeneration,
} from './common';

/** One `system_fingerprint` per process, like a deployment. */
const FINGERPRINT = ids.systemFingerprint();

/** `POST /v1/chat/completions`. */
export async function handleChatCompletions(
  req: MockRequest,
  res: ServerResponse,
  ctx: MockContext,
): Promise<void> {
  const accepted = acceptGeneration(req, res, ctx);
  if (!accepted) return;
  const { scenario, body, model } = accepted;
  const invalid = validateChatRequest(body);
  if (invalid) {
    sendOpenAIError(res, req, 400, invalid);
    return;
  }
  const promptTokens = Math.max(1, estimateTokens(promptChars(body, ['messages', 'tools'])));
  const script = resolveScript(scenario, promptTokens, 'hidden');
  const meta = {
    id: ids.chatCompletion(),
    created: Math.floor(Date.now() / 1000),
    model,
    fingerprint: FINGERPRINT,
  };

  if (body.stream !== true) {
    if (script.cut?.mode === 'error') {
      const status = script.cut.status ?? 500;
      const base = defaultOpenAIError(status, model);
      sendOpenAIError(res, req, status, { ...base, message: script.cut.message ?? base.message });
      return;
    }
    await pause(generationDelayMs(script), ctx.signal);
    const completion = chatCompletion(script, meta);
    if (script.cut?.mode === 'die') sendJsonThenDie(res, completion, openaiHeaders(req, JSON_TYPE));
    else sendJson(res, 200, completion, openaiHeaders(req, JSON_TYPE));
    return;
  }

  const streamOptions = asObject(body.stream_options);
  const frames = chatStreamFrames(script, meta, {
    includeUsage: streamOptions?.include_usage === true,
    obfuscation: streamOptions?.include_obfuscation !== false,
  });
  res.writeHead(200, openaiHeaders(req, SSE_TYPE));
  const cut = script.cut;
  await playStream(
    res,
    frames,
    script,
    () =>
      chatStreamErrorFrame(
        cut?.mode === 'error' ? cut.status : undefined,
        cut?.mode === 'error' ? cut.message : undefined,
      ),
    ctx.signal,
  );
}
