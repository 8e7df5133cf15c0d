import { ids } from '../ids';
import type { Script } from '../scenario';
import { content } from '../stream';
import type { Frame } from '../stream';
import { estimateTokens } from '../text';
import { usageMetadata } from './common';

export interface GenerateMeta {
  model: string;
  responseId: string;
  /** SSE (`alt=sse`) or the default streamed JSON array. */
  sse: boolean;
}

type Part = Record<string, unknown>;

function finishReason(script: Script): string {
  return script.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
}

/** Whole `functionCall` parts (no ids: the API generates none); the first carries a thought signature. */
function functionCallParts(script: Script): Part[] {
  return script.toolCalls.map((call, i) => {
    const part: Part = { functionCall: { name: call.name, args: call.input } };
    if (i === 0) part.thoughtSignature = ids.signature();
    return part;
  });
}

function response(
  meta: GenerateMeta,
  parts: Part[],
  finish: string | undefined,
  usage: Record<string, unknown>,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' } };
  if (finish !== undefined) candidate.finishReason = finish;
  candidate.index = 0;
  return {
    candidates: [candidate],
    usageMetadata: usage,
    modelVersion: meta.model,
    responseId: meta.responseId,
  };
}

/** The non-streamed `GenerateContentResponse`. */
export function generateBody(script: Script, meta: GenerateMeta): Record<string, unknown> {
  const parts: Part[] = [];
  if (script.reasoning.length > 0) parts.push({ text: script.reasoning, thought: true });
  if (script.text.length > 0) parts.push({ text: script.text });
  parts.push(...functionCallParts(script));
  return response(meta, parts, finishReason(script), usageMetadata(script.usage));
}

/**
 * Stream chunks (WIRE-FORMATS 4.1): each carries only new parts; function calls arrive whole in
 * one chunk; the last chunk has `finishReason` and the authoritative `usageMetadata`. SSE events
 * are framed with CRLF; there is no `[DONE]`.
 */
export function generateStreamFrames(script: Script, meta: GenerateMeta): Frame[] {
  const chunks: Part[][] = [
    ...script.reasoningPieces.map((text) => [{ text, thought: true }]),
    ...script.textPieces.map((text) => [{ text }]),
  ];
  const calls = functionCallParts(script);
  if (calls.length > 0) chunks.push(calls);
  if (chunks.length === 0) chunks.push([{ text: '' }]);

  let chars = 0;
  return chunks.map((parts, i) => {
    const last = i === chunks.length - 1;
    for (const part of parts)
      if (typeof part.text === 'string' && part.thought !== true) chars += part.text.length;
    const usage = last ? usageMetadata(script.usage) : usageMetadata(script.usage, estimateTokens(chars));
    const json = JSON.stringify(response(meta, parts, last ? finishReason(script) : undefined, usage));
    return content(meta.sse ? `data: ${json}\r\n\r\n` : `${i === 0 ? '[' : ',\r\n'}${json}`);
  });
}

/** What ends a streamed JSON array (nothing for SSE: EOF ends the stream). */
export function streamEnd(meta: GenerateMeta): string {
  return meta.sse ? '' : ']';
}

/** An in-band error after the 200. */
export function streamErrorText(
  meta: GenerateMeta,
  error: Record<string, unknown>,
  framesWritten: number,
): string {
  const json = JSON.stringify({ error });
  if (meta.sse) return `data: ${json}\r\n\r\n`;
  return `${framesWritten === 0 ? '[' : ',\r\n'}${json}]`;
}
