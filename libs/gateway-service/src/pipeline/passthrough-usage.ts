import {
  ZERO_USAGE,
  createResponsesStreamDecoder,
  decodeResponsesResponse,
  mergeUsage,
  type StreamDecoder,
  type TranslateContext,
  type Usage,
} from '@optscale/protocol';
import type { FramedChunk } from '@optscale/providers';
import type { ProviderConnection } from '../config/gateway-state';
import type { ClientCodec } from '../transport/client-codecs';
import { UpstreamEventReader } from './stream-pump';

/**
 * Usage of a forwarded (not translated) answer, read by the dialect's own decoder. A body the
 * decoder cannot read leaves usage unknown rather than failing a response that already went out.
 */
export function usageOfPassthroughBody(
  codec: ClientCodec,
  provider: ProviderConnection,
  bytes: Buffer,
  tctx: TranslateContext,
): Usage | undefined {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return codec.name === 'openai-responses'
      ? decodeResponsesResponse(json, tctx).usage
      : provider.adapter.parseChatResponse(json, tctx).usage;
  } catch {
    return undefined;
  }
}

export interface UsageTap {
  push(bytes: Uint8Array): void;
  end(): void;
  usage(): Usage;
}

/** Reads usage off a forwarded stream as it passes, without changing a byte of it. */
export function usageTap(codec: ClientCodec, provider: ProviderConnection, tctx: TranslateContext): UsageTap {
  const decoder: StreamDecoder<FramedChunk> =
    codec.name === 'openai-responses'
      ? createResponsesStreamDecoder(tctx)
      : provider.adapter.createStreamDecoder(tctx);
  const reader = new UpstreamEventReader('sse', decoder);
  let usage: Usage = { ...ZERO_USAGE };
  let broken = false;
  const take = (read: () => ReturnType<UpstreamEventReader['push']>): void => {
    if (broken) return;
    try {
      for (const e of read()) {
        if (e.type === 'usage' || e.type === 'start') usage = mergeUsage(usage, e.usage);
      }
    } catch {
      broken = true;
    }
  };
  return {
    push: (bytes) => take(() => reader.push(bytes)),
    end: () => take(() => reader.end()),
    usage: () => usage,
  };
}
