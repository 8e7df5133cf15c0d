import type { TranslateContext } from '@optscale/protocol';
import { type JsonObject, asRecord, asString, isRecord } from '../json';

/** One response part of a Gemini candidate, classified. */
export type GeminiResponsePart =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'function_call'; id: string; name: string; arguments: string; thoughtSignature?: string }
  | { kind: 'other'; value: JsonObject };

/** The parts of `candidates[0].content`, or `[]`. */
export function firstCandidateParts(body: JsonObject): unknown[] {
  const candidate = firstCandidate(body);
  const parts = asRecord(candidate?.content)?.parts;
  return Array.isArray(parts) ? parts : [];
}

export function firstCandidate(body: JsonObject): JsonObject | undefined {
  const candidates = body.candidates;
  return Array.isArray(candidates) ? asRecord(candidates[0]) : undefined;
}

/**
 * Classify a part. `thought: true` text is reasoning. Function calls are whole (never fragmented);
 * Gemini issues no call ids on this API (it may on others), so one is made unless it sent one;
 * `args` become JSON text. Signatures on text parts have no canonical home and are dropped (only
 * those on function calls must be replayed). `undefined` for empty or non-object parts.
 */
export function readPart(raw: unknown, ctx: TranslateContext): GeminiResponsePart | undefined {
  if (!isRecord(raw)) return undefined;
  const call = asRecord(raw.functionCall);
  if (call) {
    const id = asString(call.id);
    const signature = asString(raw.thoughtSignature);
    return {
      kind: 'function_call',
      id: id !== undefined && id.length > 0 ? id : ctx.newId('call_'),
      name: asString(call.name) ?? '',
      arguments: JSON.stringify(call.args ?? {}),
      ...(signature !== undefined && signature.length > 0 ? { thoughtSignature: signature } : {}),
    };
  }
  const text = asString(raw.text);
  if (text !== undefined) {
    if (text.length === 0) return undefined;
    return { kind: raw.thought === true ? 'reasoning' : 'text', text };
  }
  const { thoughtSignature: _signature, ...rest } = raw;
  return Object.keys(rest).length > 0 ? { kind: 'other', value: raw } : undefined;
}
