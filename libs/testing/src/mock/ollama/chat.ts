import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson, sendJsonThenDie } from '../http';
import { asArray, asObject, asString, promptChars } from '../json';
import { resolveScript } from '../scenario';
import { generationDelayMs, pause, playStream } from '../stream';
import { estimateTokens } from '../text';
import {
  jsonHeaders,
  NDJSON_TYPE,
  sendOllamaError,
  sendOllamaScenarioError,
  streamErrorLine,
} from './common';
import { chatBody, chatStreamFrames } from './render';

/** `POST /api/chat`: NDJSON unless `stream: false` (streaming is the default). */
export async function handleChat(req: MockRequest, res: ServerResponse, ctx: MockContext): Promise<void> {
  const startedNs = process.hrtime.bigint();
  const body = asObject(req.json);
  const model = asString(body?.model) ?? '';
  const messages = asArray(body?.messages);
  if (body && model.length > 0 && (!messages || messages.length === 0)) {
    // No messages: Ollama just loads the model.
    sendJson(
      res,
      200,
      {
        model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: '' },
        done_reason: 'load',
        done: true,
      },
      jsonHeaders,
    );
    return;
  }
  const scenario = ctx.nextScenario();
  if (scenario.kind === 'error') {
    sendOllamaScenarioError(res, scenario, model);
    return;
  }
  if (!body) {
    sendOllamaError(res, 400, req.jsonError ? 'invalid character in request body' : 'missing request body');
    return;
  }
  if (model.length === 0) {
    sendOllamaError(res, 400, 'model is required');
    return;
  }
  const think = body.think;
  const thinking = think === true || (typeof think === 'string' && think.length > 0);
  const script = resolveScript(
    scenario,
    Math.max(1, estimateTokens(promptChars(body, ['messages', 'tools']))),
    thinking ? 'show' : 'none',
  );
  const meta = { model, startedNs, generationMs: generationDelayMs(script) };
  const cut = script.cut;

  if (body.stream === false) {
    if (cut?.mode === 'error') {
      sendOllamaError(
        res,
        cut.status ?? 500,
        cut.message ?? 'an error was encountered while running the model',
      );
      return;
    }
    await pause(meta.generationMs, ctx.signal);
    const answer = chatBody(script, meta);
    if (cut?.mode === 'die') sendJsonThenDie(res, answer, jsonHeaders);
    else sendJson(res, 200, answer, jsonHeaders);
    return;
  }

  res.writeHead(200, { 'content-type': NDJSON_TYPE });
  await playStream(
    res,
    chatStreamFrames(script, meta),
    script,
    () => streamErrorLine(cut?.mode === 'error' ? cut.message : undefined),
    ctx.signal,
  );
}
