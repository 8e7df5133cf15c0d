#!/usr/bin/env node
// The telemetry pipeline's own figures (issue 4): how fast the trace collector writes request
// events into ClickHouse (events per second, bulk), and how long a single request event takes to
// become visible in the Usage API's totals query (event-to-visible latency), on both engines:
//
//   - embedded: the in-process bus and chDB in its worker thread (what `npm start` runs);
//   - distributed: Kafka and the ClickHouse 18.16 server of the local stack, when they are up
//     (`npm run stack up`); skipped otherwise.
//
// It drives the built code (libs/*/dist: TraceCollector, the Usage API's SQL), in-process, with
// synthetic, schema-valid request events; the gateway itself is not in the loop (bench/run.mjs
// measures it).
//
//   node bench/ingest.mjs          prints the table; with --docs replaces its section of
//                                  docs/benchmarks.md (npm run bench does both)
// Knobs: BENCH_INGEST_EVENTS (bulk events, default 20000), BENCH_VISIBLE_SAMPLES (default 40).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'libs/trace-service/package.json'));
const { InProcessBus, KafkaBus } = require('@optscale/bus');
const { createClickHouse, migrate } = require('@optscale/clickhouse');
const { TraceCollector } = require('@optscale/trace-service');
const { totalsSql } = require('@optscale/usage-service');

const envInt = (name, def) => (process.env[name] ? Number.parseInt(process.env[name], 10) : def);
const BULK_EVENTS = envInt('BENCH_INGEST_EVENTS', 20_000);
const VISIBLE_SAMPLES = envInt('BENCH_VISIBLE_SAMPLES', 40);
const TOPIC = 'optscale.gateway.requests.v1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stackEnv() {
  const file = '/tmp/optscale-stack/stack.env';
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** A realistic request event: a streamed chat through an OpenAI provider, priced. */
function event(organizationId, i, startedAt = Date.now()) {
  const input = 200 + (i % 300);
  const output = 50 + (i % 120);
  return {
    requestId: randomUUID(),
    organizationId,
    keyId: `key-${i % 20}`,
    userId: `user-${i % 10}`,
    teamId: `team-${i % 3}`,
    provider: 'openai',
    model: i % 2 === 0 ? 'gpt-4.1' : 'gpt-4.1-mini',
    clientModel: 'openai/gpt-4.1',
    surface: 'openai',
    operation: 'chat',
    client: 'openai-sdk',
    userAgent: 'OpenAI/JS 6.49.0',
    sessionId: null,
    stream: true,
    passthrough: true,
    status: i % 50 === 0 ? 502 : 200,
    errorType: null,
    errorMessage: null,
    usage: {
      inputTokens: input,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: output,
      reasoningTokens: 0,
    },
    cost: { nanos: String(input * 2000 + output * 8000), source: 'catalog', catalogVersion: 'bench' },
    timings: { startedAt, gatewayMs: 0.4, upstreamMs: 120, ttftMs: 130, totalMs: 900 },
  };
}

async function countRows(ch, organizationId) {
  const [row] = await ch.query(`SELECT count() AS n FROM traces WHERE organization_id = '${organizationId}'`);
  return Number(row.n);
}

async function visibleRequests(ch, organizationId, fromMs) {
  const [row] = await ch.query(
    totalsSql({ organizationId, range: { fromMs: fromMs - 3_600_000, toMs: Date.now() + 3_600_000 } }),
  );
  return Number(row?.m_requests ?? 0);
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(name, { bus, ch, collectorOptions }) {
  const say = (l) => process.stderr.write(`[ingest] ${name}: ${l}\n`);
  await migrate(ch);
  // Bulk: the collector is running; events are published in bursts of 500 (as gateways send them)
  // and the clock runs from the first publish to the last row stored.
  const collector = new TraceCollector(bus, ch, { log: () => undefined, ...collectorOptions });
  await collector.start();
  const bulkOrg = `bench-bulk-${randomUUID()}`;
  const start = performance.now();
  for (let i = 0; i < BULK_EVENTS; i += 500) {
    await bus.publishBatch(
      TOPIC,
      Array.from({ length: Math.min(500, BULK_EVENTS - i) }, (_, j) => ({
        key: bulkOrg,
        value: event(bulkOrg, i + j),
      })),
    );
  }
  const publishMs = performance.now() - start;
  for (let polls = 0; (await countRows(ch, bulkOrg)) < BULK_EVENTS; polls++) {
    if (polls % 500 === 499) say(`waiting: ${JSON.stringify((await collector.check()).detail)}`);
    await sleep(20);
  }
  const ingestMs = performance.now() - start;
  const rows = await countRows(ch, bulkOrg);

  // Event to visible: one event at a time, polled through the Usage API's totals query.
  const liveOrg = `bench-live-${randomUUID()}`;
  const latencies = [];
  for (let i = 0; i < VISIBLE_SAMPLES; i++) {
    const sent = performance.now();
    await bus.publish(TOPIC, liveOrg, event(liveOrg, i));
    while ((await visibleRequests(ch, liveOrg, Date.now())) < i + 1) await sleep(5);
    latencies.push(performance.now() - sent);
  }
  await collector.close();
  latencies.sort((a, b) => a - b);
  return {
    name,
    events: BULK_EVENTS,
    rows,
    publishMs,
    ingestMs,
    perSecond: BULK_EVENTS / (ingestMs / 1000),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies.at(-1),
  };
}

const results = [];

// Embedded: in-process bus + chDB in a worker thread.
{
  const dir = mkdtempSync(path.join(os.tmpdir(), 'optscale-bench-chdb-'));
  const bus = new InProcessBus();
  const ch = createClickHouse({ engine: 'chdb', path: dir, database: 'optscale' });
  try {
    results.push(await measure('embedded: in-process bus → chDB 26 (worker thread)', { bus, ch }));
  } finally {
    await bus.close();
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Distributed: Kafka → ClickHouse 18.16 server of the local stack, in a scratch namespace.
const env = stackEnv();
if (env.CLICKHOUSE_URL && env.KAFKA_BROKERS) {
  const suffix = randomUUID().slice(0, 8);
  const database = `bench_${suffix}`;
  const bus = new KafkaBus({ brokers: env.KAFKA_BROKERS.split(','), topicPrefix: `bench-${suffix}.` });
  const ch = createClickHouse({ engine: 'server', url: env.CLICKHOUSE_URL, database });
  try {
    await ch.ping();
    results.push(await measure('distributed: Kafka 4.3 → ClickHouse 18.16 server', { bus, ch }));
  } catch (error) {
    process.stderr.write(`distributed run skipped: ${error.message}\n`);
  } finally {
    await bus.close();
    await ch.exec(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await ch.close();
  }
} else {
  process.stderr.write('distributed run skipped: the local stack is not up (npm run stack up)\n');
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const section = [
  '<!-- ingest:start -->',
  '## Telemetry pipeline: collector ingest and event-to-visible latency',
  '',
  `Measured by bench/ingest.mjs on the built trace collector (batches of up to 500, commit after the insert) with synthetic request events: ${BULK_EVENTS.toLocaleString('en-US')} events published in bursts of 500 to the running collector, timed from the first publish to the last row stored; then ${VISIBLE_SAMPLES} single events, each polled (every 5 ms) through the Usage API's totals query on \`usage_hourly\` until counted.`,
  '',
  '| pipeline | bulk ingest | rows written | event → visible in Usage API p50 | p99 | max |',
  '|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.name} | ${Math.round(r.perSecond).toLocaleString('en-US')} events/s (${fmt(r.ingestMs)}) | ${r.rows.toLocaleString('en-US')} of ${r.events.toLocaleString('en-US')} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} |`,
  ),
  '',
  '<!-- ingest:end -->',
  '',
].join('\n');
process.stdout.write(section);
if (process.argv.includes('--docs')) {
  const doc = path.join(ROOT, 'docs/benchmarks.md');
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const pattern = /<!-- ingest:start -->[\s\S]*?<!-- ingest:end -->\n?/;
  writeFileSync(doc, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}`);
}
process.exit(0);
