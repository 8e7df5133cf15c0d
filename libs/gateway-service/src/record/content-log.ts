import { compileGuardrail, redactText, type CompiledGuardrail } from '@optscale/guardrails';
import type { RequestEvent } from '@optscale/contracts';

/**
 * The request and response bodies on the trace, for organizations that turned content logging on
 * (`content_logging`, off by default). What is kept is bounded (`CONTENT_LIMIT_BYTES` per body, the
 * start of each) and scrubbed before it leaves the gateway: secrets the secrets guardrail knows
 * (provider API keys, cloud and VCS tokens, private keys, JWTs, passwords in URLs) and the
 * platform's own virtual keys become `[ENTITY]`. Runs in the record stage, after the last byte.
 */
export const CONTENT_LIMIT_BYTES = 64 * 1024;

/**
 * A virtual key of this platform: `sk-os-` and at least 20 URL-safe characters (the admin API's
 * `<public id>_<secret>`, and the 43 base64url characters of generated demo and config keys).
 */
const VIRTUAL_KEY = /sk-os-[0-9A-Za-z_-]{20,}/g;

let secrets: CompiledGuardrail | undefined;
function secretsDetector(): CompiledGuardrail {
  secrets ??= compileGuardrail({
    id: 'content-log-secrets',
    name: 'content log secrets',
    stage: 'both',
    threshold: 0,
    action: 'redact',
    settings: { type: 'secrets' },
  });
  return secrets;
}

/** The text with every secret and virtual key replaced by `[ENTITY]` (not reversible). */
export function scrubSecrets(text: string): string {
  // Ours first, so that a virtual key is named as one rather than as an `sk-` provider key.
  const withoutKeys = text.replace(VIRTUAL_KEY, '[OPTSCALE_VIRTUAL_KEY]');
  const findings = secretsDetector().scan(withoutKeys);
  return findings.length === 0
    ? withoutKeys
    : redactText(withoutKeys, findings, (entity) => `[${entity}]`).text;
}

/** Collects what the client was sent, up to the bound, chunk by chunk (streams included). */
export class ContentRecorder {
  private readonly parts: Buffer[] = [];
  private size = 0;
  truncated = false;

  add(chunk: string | Buffer | Uint8Array): void {
    if (this.size >= CONTENT_LIMIT_BYTES) {
      this.truncated = true;
      return;
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    const room = CONTENT_LIMIT_BYTES - this.size;
    if (bytes.length > room) this.truncated = true;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.parts.push(kept);
    this.size += kept.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** The event's `content`: both bodies bounded, decoded as UTF-8 (a cut character is dropped), scrubbed. */
export function loggedContent(
  requestBody: Buffer | undefined,
  response: ContentRecorder | undefined,
): NonNullable<RequestEvent['content']> {
  const request = requestBody ?? Buffer.alloc(0);
  const requestTruncated = request.length > CONTENT_LIMIT_BYTES;
  return {
    request: scrubSecrets(utf8(requestTruncated ? request.subarray(0, CONTENT_LIMIT_BYTES) : request)),
    response: scrubSecrets(utf8(response?.bytes() ?? Buffer.alloc(0))),
    truncated: requestTruncated || (response?.truncated ?? false),
  };
}

/** UTF-8 text of a prefix that may end inside a character: the partial character is left out. */
function utf8(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD$/, '');
}
