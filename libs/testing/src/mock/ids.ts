import { randomFillSync, randomUUID } from 'node:crypto';

/** Random identifiers in the shapes the real providers use. Drawn from a pooled random buffer. */

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

const pool = Buffer.allocUnsafe(8192);
let poolPos = pool.length;

function randomByte(): number {
  if (poolPos >= pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  return pool[poolPos++] ?? 0;
}

export function randomChars(length: number, alphabet: string = BASE62): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomByte() % alphabet.length] ?? '';
  return out;
}

export function randomBase64(bytes: number): string {
  const buf = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = randomByte();
  return buf.toString('base64');
}

export const ids = {
  /** `chatcmpl-` + 29 base62, like OpenAI Chat Completions. */
  chatCompletion: (): string => 'chatcmpl-' + randomChars(29),
  /** `call_` + 24 base62 (OpenAI tool-call ids; ≤40 chars). */
  openaiToolCall: (): string => 'call_' + randomChars(24),
  /** OpenAI `x-request-id`. */
  openaiRequest: (): string => 'req_' + randomChars(32, HEX),
  /** Responses API object ids: `resp_`, `msg_`, `fc_`, `rs_` + 48 hex. */
  responsesObject: (prefix: 'resp_' | 'msg_' | 'fc_' | 'rs_'): string => prefix + randomChars(48, HEX),
  /** `fp_` + 10 hex. */
  systemFingerprint: (): string => 'fp_' + randomChars(10, HEX),
  /** Anthropic `msg_01…` (24 chars after the prefix). */
  anthropicMessage: (): string => 'msg_01' + randomChars(22),
  /** Anthropic `toolu_01…`. */
  anthropicToolUse: (): string => 'toolu_01' + randomChars(22),
  /** Anthropic `request-id` header / envelope `request_id`. */
  anthropicRequest: (): string => 'req_011C' + randomChars(20),
  anthropicOrganization: (): string => randomUUID(),
  /** Opaque thinking signature (base64). */
  signature: (): string => randomBase64(96),
  /** Gemini `responseId` (23 url-safe chars). */
  geminiResponse: (): string => randomChars(23),
  /** Ollama tool-call id: `call_` + 8 lowercase alphanumerics. */
  ollamaToolCall: (): string => 'call_' + randomChars(8, LOWER_ALNUM),
};
