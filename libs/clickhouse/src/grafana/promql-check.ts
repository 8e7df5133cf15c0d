/**
 * A small PromQL linter for the dashboard tests: brackets balance (outside string literals) and
 * every metric an expression reads is one the services export. Not a parser: it removes strings,
 * label matchers, range selectors and label lists (`by (…)`), then reads what is left for names.
 */

/** Metrics the services export (libs/telemetry implements them with prom-client). */
export const EXPORTED_METRICS = {
  optscale_gateway_requests_total: 'counter',
  optscale_gateway_request_duration_seconds: 'histogram',
  optscale_gateway_ttft_seconds: 'histogram',
  optscale_gateway_tokens_total: 'counter',
  optscale_gateway_cost_nanodollars_total: 'counter',
  optscale_event_spool_bytes: 'gauge',
  optscale_event_spool_events: 'gauge',
  optscale_kafka_consumer_lag: 'gauge',
  optscale_clickhouse_insert_duration_seconds: 'histogram',
  process_cpu_seconds_total: 'counter',
  nodejs_eventloop_lag_seconds: 'gauge',
} as const;

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function exportedName(name: string): boolean {
  if (name in EXPORTED_METRICS) return true;
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return (
    histogram !== undefined && EXPORTED_METRICS[histogram as keyof typeof EXPORTED_METRICS] === 'histogram'
  );
}

/** Problems found in `expr`; empty when it passes. */
export function checkPromQl(expr: string): string[] {
  const problems: string[] = [];
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  if (/["'`]/.test(withoutStrings.replace(/""/g, ''))) problems.push('unterminated string literal');
  const stack: string[] = [];
  for (const char of withoutStrings) {
    if ('([{'.includes(char)) stack.push(char);
    const open = PAIRS[char];
    if (open !== undefined && stack.pop() !== open) {
      problems.push(`unbalanced ${char}`);
      break;
    }
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join('')}`);
  const names = withoutStrings
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .match(/(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g);
  const metrics = (names ?? []).filter((name) => !KEYWORDS.has(name.toLowerCase()));
  if (metrics.length === 0) problems.push('reads no metric');
  for (const name of metrics) if (!exportedName(name)) problems.push(`unknown metric ${name}`);
  return problems;
}
