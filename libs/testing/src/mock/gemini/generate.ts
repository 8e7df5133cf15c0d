import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson, sendJsonThenDie } from '../http';
import { ids } from '../ids';
import { asObject, promptChars } from '../json';
import type { JsonObject } from '../json';
import { resolveScript } from '../scenario';
import { generationDelayMs, pause, playStream, tail } from '../stream';
import { estimateTokens } from '../text';
import {
  geminiError,
  geminiHeaders,
  INVALID_JSON,
  invalidArgument,
  JSON_TYPE,
  sendGeminiError,
  sendGeminiScenarioError,
  SSE_TYPE,
} from './common';
import { generateBody, generateStreamFrames, streamEnd, streamErrorText } from './render';
import { validateGenerateRequest } from './validate';

const PROMPT_FIELDS = ['systemInstruction', 'contents', 'tools'] as const;

export function promptTokens(body: JsonObject): number {
  return Math.max(1, estimateTokens(promptChars(body, PROMPT_FIELDS)));
}

/** Thought summaries are only returned when `thinkingConfig.includeThoughts` is true. */
function includeThoughts(body: JsonObject): boolean {
  return asObject(asObject(body.generationConfig)?.thinkingConfig)?.includeThoughts === true;
}

/** `:generateContent` and `:streamGenerateContent` (SSE with `alt=sse`, else a streamed JSON array). */
export async function handleGenerate(
  req: MockRequest,
  res: ServerResponse,
  ctx: MockContext,
  model: string,
  stream: boolean,
): Promise<void> {
  const scenario = ctx.nextScenario();
  if (scenario.kind === 'error') {
    sendGeminiScenarioError(res, req, scenario);
    return;
  }
  const body = asObject(req.json);
  if (!body) {
    sendGeminiError(res, req, invalidArgument(INVALID_JSON));
    return;
  }
  const invalid = validateGenerateRequest(body);
  if (invalid) {
    sendGeminiError(res, req, invalid);
    return;
  }
  const script = resolveScript(scenario, promptTokens(body), includeThoughts(body) ? 'show' : 'hidden');
  const meta = { model, responseId: ids.geminiResponse(), sse: req.query.get('alt') === 'sse' };
  const cut = script.cut;

  if (!stream) {
    if (cut?.mode === 'error') {
      sendGeminiError(res, req, geminiError(cut.status ?? 500, cut.message));
      return;
    }
    await pause(generationDelayMs(script), ctx.signal);
    const payload = generateBody(script, meta);
    if (cut?.mode === 'die') sendJsonThenDie(res, payload, geminiHeaders(req, JSON_TYPE));
    else sendJson(res, 200, payload, geminiHeaders(req, JSON_TYPE));
    return;
  }

  const frames = generateStreamFrames(script, meta);
  const end = streamEnd(meta);
  if (end.length > 0) frames.push(tail(end));
  res.writeHead(200, geminiHeaders(req, meta.sse ? SSE_TYPE : JSON_TYPE));
  await playStream(
    res,
    frames,
    script,
    (written) => {
      const error = geminiError(
        cut?.mode === 'error' ? (cut.status ?? 500) : 500,
        cut?.mode === 'error' ? cut.message : undefined,
      );
      return streamErrorText(meta, { ...error }, written);
    },
    ctx.signal,
  );
}

/** `:countTokens` with `contents` or a whole `generateContentRequest`. */
export function handleCountTokens(req: MockRequest, res: ServerResponse): void {
  const body = asObject(req.json);
  if (!body) {
    sendGeminiError(res, req, invalidArgument(INVALID_JSON));
    return;
  }
  const request = asObject(body.generateContentRequest) ?? body;
  if (request.contents === undefined) {
    sendGeminiError(res, req, invalidArgument('* CountTokensRequest.contents: contents is not specified\n'));
    return;
  }
  const total = promptTokens(request);
  sendJson(
    res,
    200,
    { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] },
    geminiHeaders(req, JSON_TYPE),
  );
}
