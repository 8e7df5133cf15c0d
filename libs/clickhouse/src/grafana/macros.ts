/**
 * Expands a Grafana ClickHouse panel query the way Grafana and the grafana-clickhouse-datasource
 * plugin (v4) do, so the dashboards' SQL can be run against a real ClickHouse in tests: template
 * variables first (Grafana's frontend), then the plugin's macros (its pkg/macros table). Macro
 * expansions mirror the plugin's text exactly, including the ones the portable dialect cannot run
 * (`$__timeInterval` becomes `toStartOfInterval`, absent on 18.16): a dashboard using them fails
 * its test, which is the point. An unknown `$__` macro or variable is an error, not left in place.
 */

export interface GrafanaQueryContext {
  from: Date;
  to: Date;
  /** Grafana's `$__interval` for the panel, in seconds. */
  intervalSeconds: number;
  /** Template variables with their selected values (multi-value variables give several). */
  variables: Record<string, readonly string[]>;
}

export class GrafanaMacroError extends Error {
  override readonly name = 'GrafanaMacroError';
}

const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const toDateTime = (date: Date): string => `toDateTime(${unixSeconds(date)})`;
const toDateTime64 = (date: Date): string => `fromUnixTimestamp64Milli(${date.getTime()})`;
const toDate = (date: Date): string => `toDate('${date.toISOString().slice(0, 10)}')`;

type Macro = (args: string[], context: GrafanaQueryContext) => string;

function oneArgument(name: string, args: string[]): string {
  const [column] = args;
  if (args.length !== 1 || column === undefined || column === '') {
    throw new GrafanaMacroError(`$__${name} expects 1 argument, received ${args.length}`);
  }
  return column;
}

const MACROS: Record<string, Macro> = {
  fromTime: (_args, { from }) => toDateTime(from),
  toTime: (_args, { to }) => toDateTime(to),
  fromTime_ms: (_args, { from }) => toDateTime64(from),
  toTime_ms: (_args, { to }) => toDateTime64(to),
  timeFilter: (args, { from, to }) => {
    const column = oneArgument('timeFilter', args);
    return `${column} >= ${toDateTime(from)} AND ${column} <= ${toDateTime(to)}`;
  },
  timeFilter_ms: (args, { from, to }) => {
    const column = oneArgument('timeFilter_ms', args);
    return `${column} >= ${toDateTime64(from)} AND ${column} <= ${toDateTime64(to)}`;
  },
  dateFilter: (args, { from, to }) => {
    const column = oneArgument('dateFilter', args);
    return `${column} >= ${toDate(from)} AND ${column} <= ${toDate(to)}`;
  },
  dateTimeFilter: (args, context) => dateTimeFilter(args, context),
  dt: (args, context) => dateTimeFilter(args, context),
  timeInterval: (args, { intervalSeconds }) =>
    `toStartOfInterval(toDateTime(${oneArgument('timeInterval', args)}), INTERVAL ${Math.max(Math.floor(intervalSeconds), 1)} second)`,
  timeInterval_ms: (args, { intervalSeconds }) =>
    `toStartOfInterval(toDateTime64(${oneArgument('timeInterval_ms', args)}, 3), INTERVAL ${Math.max(Math.floor(intervalSeconds * 1000), 1)} millisecond)`,
  interval_s: (_args, { intervalSeconds }) => String(Math.max(Math.floor(intervalSeconds), 1)),
};

function dateTimeFilter(args: string[], { from, to }: GrafanaQueryContext): string {
  const [dateColumn, timeColumn] = args;
  if (args.length !== 2 || !dateColumn || !timeColumn) {
    throw new GrafanaMacroError(`$__dateTimeFilter expects 2 arguments, received ${args.length}`);
  }
  return (
    `(${dateColumn} >= ${toDate(from)} AND ${dateColumn} <= ${toDate(to)}) AND ` +
    `(${timeColumn} >= ${toDateTime(from)} AND ${timeColumn} <= ${toDateTime(to)})`
  );
}

/** Grafana's `singlequote` format: each value in single quotes (inner quotes as \'), comma-joined. */
function formatVariable(name: string, format: string | undefined, values: readonly string[]): string {
  switch (format) {
    case undefined:
    case 'raw':
      return values.join(',');
    case 'singlequote':
      return values.map((value) => `'${value.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return values.map((value) => `"${value.replace(/"/g, '\\"')}"`).join(',');
    case 'csv':
      return values.join(',');
    default:
      throw new GrafanaMacroError(`variable ${name}: format ${format} is not supported by this expander`);
  }
}

function interpolateVariables(sql: string, variables: GrafanaQueryContext['variables']): string {
  return sql.replace(
    /\$\{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-z]+))?\}|\$(?!__)([a-zA-Z_][a-zA-Z0-9_]*)/g,
    (match, bracedName: string | undefined, format: string | undefined, bareName: string | undefined) => {
      const name = bracedName ?? bareName ?? '';
      const values = variables[name];
      if (values === undefined) throw new GrafanaMacroError(`unknown template variable ${match}`);
      return formatVariable(name, format, values);
    },
  );
}

/** Splits `a, f(b, c), d` at top-level commas. */
function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '' || args.length > 0) args.push(current.trim());
  return args;
}

function expandMacros(sql: string, context: GrafanaQueryContext): string {
  let out = '';
  let rest = sql;
  for (;;) {
    const match = /\$__([a-zA-Z_]+)/.exec(rest);
    if (!match) return out + rest;
    const name = match[1] ?? '';
    const macro = MACROS[name];
    if (!macro) throw new GrafanaMacroError(`unknown macro $__${name}`);
    out += rest.slice(0, match.index);
    rest = rest.slice(match.index + match[0].length);
    let args: string[] = [];
    if (rest.startsWith('(')) {
      let depth = 0;
      let end = -1;
      for (let index = 0; index < rest.length; index += 1) {
        if (rest[index] === '(') depth += 1;
        if (rest[index] === ')') depth -= 1;
        if (depth === 0) {
          end = index;
          break;
        }
      }
      if (end < 0) throw new GrafanaMacroError(`unbalanced parentheses after $__${name}`);
      args = splitArguments(rest.slice(1, end));
      rest = rest.slice(end + 1);
    }
    out += macro(args, context);
  }
}

export function expandGrafanaSql(sql: string, context: GrafanaQueryContext): string {
  return expandMacros(interpolateVariables(sql, context.variables), context);
}
