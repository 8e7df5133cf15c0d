import { ClickHouseError } from './port';

/**
 * JSONEachRow in both directions, shared by the two adapters so they agree byte for byte.
 * Writing: bigint becomes a decimal string (both engines parse quoted numbers into integer
 * columns; JSON.stringify cannot write a bigint), Date becomes unix seconds (time-zone independent;
 * DateTime has no sub-second part), undefined leaves the column to its default. One native
 * JSON.stringify per row with a replacer: the collectors serialise thousands of rows per second.
 */
export function toJsonEachRow(rows: readonly Record<string, unknown>[]): string {
  let out = '';
  for (const row of rows)
    out += `${JSON.stringify(row, clickhouseValue)}
`;
  return out;
}

/** The JSON.stringify replacer: `this` holds the field before toJSON ran (a Date's is a string). */
function clickhouseValue(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Date) {
    const ms = raw.getTime();
    if (Number.isNaN(ms)) throw new TypeError(`${key}: invalid Date`);
    return Math.floor(ms / 1000);
  }
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${key}: ${String(value)} is not a finite number`);
      return value;
    case 'function':
    case 'symbol':
      throw new TypeError(`${key}: cannot send a ${typeof value} to ClickHouse`);
    case 'boolean':
    case 'object':
    case 'string':
    case 'undefined':
      return value;
  }
}

/**
 * Parses a JSONEachRow answer. A server that fails after it started streaming appends its
 * exception text to the body instead of an HTTP error; such a line becomes a ClickHouseError.
 */
export function parseJsonEachRow<Row>(
  text: string,
  engine: 'server' | 'chdb',
  onException: (line: string) => ClickHouseError,
): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    if (!line.startsWith('{')) throw onException(line);
    try {
      rows.push(JSON.parse(line) as Row);
    } catch {
      throw new ClickHouseError(`unparseable JSONEachRow line: ${line.slice(0, 200)}`, undefined, engine);
    }
  }
  return rows;
}
