import { z } from 'zod';

/** `?limit=&offset=` as every list endpoint takes them (the Admin UI's table footer shows total). */
export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

/** `?order=asc|desc` next to a per-list `sort` enum. */
export const orderQuery = z.enum(['asc', 'desc']).default('desc');

/** Free-text search, trimmed; empty means none. */
export const searchQuery = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => (v ? v : undefined));

/** A comma list in a query string (`?status=active,inactive`) as an array of allowed values. */
export function csvEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : undefined))
    .pipe(z.array(z.enum(values)).optional());
}

export interface Page<T> {
  items: T[];
  /** Matching items in total (the list may show fewer). */
  total: number;
  limit: number;
  offset: number;
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

/** `ILIKE` pattern for a search term, with `%`, `_` and `\` escaped. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
