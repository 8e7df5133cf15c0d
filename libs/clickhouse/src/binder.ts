/**
 * Client-side parameter binder. ClickHouse 18.16 has no server-side parameters, so values are
 * rendered into SQL text here, escaped by type; this file is the one place that does it. Each value
 * becomes a self-contained token (quoted string, parenthesised negative number, function call),
 * so it can never run into the surrounding text: no `--` comments from `a-${-1}`, no string
 * break-out through quotes or backslashes, no raw control characters.
 */

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FRAGMENT_BRAND: unique symbol = Symbol('SqlFragment');

/** SQL text that is already safe to splice into a statement (made only by this module). */
export interface SqlFragment {
  readonly [FRAGMENT_BRAND]: true;
  readonly text: string;
}

export type SqlScalar = string | number | bigint | boolean | Date | null;
export type SqlValue = SqlScalar | SqlFragment | readonly SqlScalar[];

export class SqlBindError extends Error {
  override readonly name = 'SqlBindError';
}

function makeFragment(text: string): SqlFragment {
  return { [FRAGMENT_BRAND]: true, text };
}

export function isSqlFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && FRAGMENT_BRAND in value;
}

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * A table or column name, checked against `allowed` when given and always against
 * /^[a-z_][a-z0-9_]*$/i, rendered in backquotes so keywords (`from`, `user`) stay names.
 */
export function identifier(name: string, allowed?: readonly string[]): SqlFragment {
  if (allowed !== undefined && !allowed.includes(name)) {
    throw new SqlBindError(`identifier ${JSON.stringify(name)} is not one of the allowed names`);
  }
  if (!isIdentifier(name)) {
    throw new SqlBindError(`identifier ${JSON.stringify(name)} must match ${String(IDENTIFIER)}`);
  }
  return makeFragment(`\`${name}\``);
}

/** A comma-separated list of values for `col IN (${list(xs)})`; an empty list is a caller bug. */
export function list(values: readonly SqlScalar[]): SqlFragment {
  if (values.length === 0) throw new SqlBindError('list() needs at least one value (IN () is not SQL)');
  return makeFragment(values.map(renderScalar).join(', '));
}

/**
 * Escapes a string as a single-quoted ClickHouse literal. Backslash and quote are backslash-escaped;
 * every control character (and DEL) becomes `\xHH`, which both 18.16 and current parsers read, so
 * NUL and newlines survive byte for byte. Strings that are not well-formed UTF-16 (lone surrogates)
 * are refused: they could not round-trip through UTF-8.
 */
export function quoteString(value: string): string {
  if (LONE_SURROGATE.test(value))
    throw new SqlBindError('string contains a lone surrogate (not well-formed Unicode)');
  let out = "'";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${out}'`;
}

function renderNumber(value: number): string {
  if (!Number.isFinite(value)) throw new SqlBindError(`cannot bind ${String(value)} (not a finite number)`);
  const text = String(value);
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}

function renderDate(value: Date): string {
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new SqlBindError('cannot bind an invalid Date');
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0 || seconds > 0xffffffff)
    throw new SqlBindError(`Date ${value.toISOString()} is outside DateTime's range`);
  // Unix seconds, not a formatted string: independent of the server's time zone.
  return `toDateTime(${seconds})`;
}

function renderScalar(value: SqlScalar): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return renderNumber(value);
    case 'bigint':
      return value < 0n ? `(${value.toString()})` : value.toString();
    case 'boolean':
      return value ? '1' : '0';
    case 'object':
      if (value instanceof Date) return renderDate(value);
      break;
    // Unreachable for typed callers; reachable from untyped data, so refused rather than rendered.
    case 'undefined':
    case 'function':
    case 'symbol':
      break;
  }
  throw new SqlBindError(`cannot bind a value of type ${typeof value}`);
}

function renderValue(value: SqlValue): string {
  if (isSqlFragment(value)) return value.text;
  if (Array.isArray(value)) return `[${(value as readonly SqlScalar[]).map(renderScalar).join(', ')}]`;
  return renderScalar(value as SqlScalar);
}

function bind(strings: TemplateStringsArray, values: readonly SqlValue[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += renderValue(value) + (strings[index + 1] ?? '');
  });
  return out;
}

/**
 * Tagged template: sql`SELECT … WHERE organization_id = ${orgId}` renders each value escaped by
 * type (string, number, bigint, boolean as 1/0, Date as toDateTime(unix seconds), null, arrays
 * as `[…]`) and splices fragments (identifier, list, fragment) as they are.
 */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): string {
  return bind(strings, values);
}

/** Same as `sql`, but the result can be embedded in another sql`` (conditions built in pieces). */
export function fragment(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  return makeFragment(bind(strings, values));
}

/** Joins fragments with one of the separators conditions and lists need. */
export function joinFragments(
  parts: readonly SqlFragment[],
  separator: ' AND ' | ' OR ' | ', ',
): SqlFragment {
  return makeFragment(parts.map((part) => part.text).join(separator));
}
