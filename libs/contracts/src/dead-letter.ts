import { z } from 'zod';

/**
 * A message a consumer could not accept (not JSON, or not its topic's schema), kept byte for byte so
 * it can be inspected and re-driven after a fix. Message key: the original message's key.
 */
export const deadLetterSchema = z.object({
  /** Why it was refused, e.g. the schema error. */
  reason: z.string(),
  /** The topic it was read from, as named in the registry. */
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  /** Kafka offsets are int64: kept as a decimal string. */
  offset: z.string().regex(/^\d+$/),
  key: z.string().nullable(),
  /** The original value bytes, standard base64; null when the value was null. */
  value: z.string().nullable(),
  /** ISO 8601. */
  failedAt: z.iso.datetime({ offset: true }),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
