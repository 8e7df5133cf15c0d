import { randomBytes } from 'node:crypto';
import type { TranslateContext } from '@optscale/protocol';

/** Ids like `chatcmpl-` + 24 url-safe random characters. */
export function randomId(prefix: string): string {
  return prefix + randomBytes(18).toString('base64url');
}

export function liveTranslateContext(clientModel: string): TranslateContext {
  return { now: Date.now, newId: randomId, clientModel };
}
