import { randomBytes } from 'node:crypto';
import type { TranslateContext } from '@optscale/protocol';

/** Ids like `chatcmpl-` + 24 url-safe random characters. */
export function randomId(prefix: string): string {
  return prefix + randomBytes(18).toString('base64url');
}

export function liveTranslateContext(clientModel: string): TranslateContext {
  return { now: Date.now, newId: randomId, clientModel };
}

/**
 * Request ids: unique, cheap, sortable within a process. A random per-process prefix plus a counter;
 * they identify requests, they are not secrets.
 */
const PROCESS_PREFIX = randomBytes(6).toString('base64url');
let sequence = 0;
export function requestId(): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `req_${PROCESS_PREFIX}${sequence.toString(36).padStart(6, '0')}`;
}
