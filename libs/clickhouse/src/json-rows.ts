import { ClickHouseError } from './port';

/**
 * JSONEachRow in both directions, shared by the two adapters so they agree byte for byte.
 * Writing: bigint becomes a bare JSON number (JSON.stringify cannot), Date becomes unix seconds
 * (time-zone independent; DateTime has no sub-second part), undefined leaves the column to its
 * default. Decimal strings for UInt64 columns are sent quoted; both engines parse them.
 */
export function toJsonEachRow(rows: readonly Record<string, unknown>[]): string {
  return rows.map((row) => `${jsonValue(row, '')}\n`).join('');
}

/** JSON.stringify with bigint as a bare number and Date as unix seconds, recursively. */
function jsonValue(value: unknown, path: string): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${String(value)} is not a finite number`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Date) {
        const ms = value.getTime();
        if (Number.isNaN(ms)) throw new TypeError(`${path}: invalid Date`);
        return String(Math.floor(ms / 1000));
      }
      if (Array.isArray(value))
        return `[${value.map((item, index) => jsonValue(item, `${path}[${index}]`)).join(',')}]`;
      const fields = Object.entries(value as Record<string, unknown>)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => `${JSON.stringify(key)}:${jsonValue(field, path ? `${path}.${key}` : key)}`);
      return `{${fields.join(',')}}`;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      break;
  }
  throw new TypeError(`${path}: cannot send a ${typeof value} to ClickHouse`);
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
