// Load generation: a sequential keep-alive loop timed with process.hrtime.bigint() for latency at
// concurrency 1 (sub-millisecond resolution), and autocannon for throughput at fixed concurrency.
import autocannon from 'autocannon';
import { Client } from 'undici';

const REQUEST_TIMEOUT_MS = 10_000;

/** One keep-alive connection per target, reused across rounds. */
export function latencyClient(origin) {
  return new Client(origin, {
    pipelining: 1,
    connect: { timeout: REQUEST_TIMEOUT_MS },
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
  });
}

const ns = () => process.hrtime.bigint();
const toMs = (d) => Number(d) / 1e6;

/** One request; returns { status, totalMs, firstByteMs, text? }. */
export async function timedRequest(client, shape, { stream, keepText = false }) {
  const t0 = ns();
  const { statusCode, headers, body } = await client.request({
    path: shape.path,
    method: 'POST',
    headers: shape.headers,
    body: stream ? shape.streamBody : shape.body,
  });
  let first = 0n;
  let text = '';
  for await (const chunk of body) {
    if (first === 0n) first = ns();
    if (keepText) text += chunk.toString('utf8');
  }
  const end = ns();
  if (first === 0n) first = end;
  return {
    status: statusCode,
    contentType: headers['content-type'],
    totalMs: toMs(end - t0),
    firstByteMs: toMs(first - t0),
    text,
  };
}

/**
 * `count` sequential requests (after `warmup` unmeasured ones that also re-open the connection if
 * the server closed it while idle). Bounded by `maxMs`. Latency = until the whole body is read;
 * for streams also the time to the first body byte (the first SSE event).
 */
export async function latencyBlock(client, shape, { stream, count, warmup, maxMs }) {
  const deadline = Date.now() + maxMs;
  const total = [];
  const firstByte = [];
  let errors = 0;
  let lastError;
  for (let i = 0; i < warmup + count && Date.now() < deadline; i++) {
    try {
      const r = await timedRequest(client, shape, { stream });
      if (r.status !== 200) {
        errors++;
        lastError = `status ${r.status}`;
        continue;
      }
      if (i < warmup) continue;
      total.push(r.totalMs);
      firstByte.push(r.firstByteMs);
    } catch (err) {
      errors++;
      lastError = err.code ?? err.message;
      if (errors > 20 && errors > total.length) break;
    }
  }
  return { total, firstByte, errors, lastError, truncated: total.length < count };
}

/** Non-stream throughput with `connections` concurrent keep-alive connections for `durationS`. */
export async function throughput(shape, { connections, durationS }) {
  const result = await autocannon({
    url: shape.origin + shape.path,
    method: 'POST',
    headers: shape.headers,
    body: shape.body,
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: REQUEST_TIMEOUT_MS / 1000,
  });
  const ok = result['2xx'];
  const seconds = result.duration || durationS;
  return {
    ok,
    completed: result.requests.total,
    sent: result.requests.sent,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    rps: ok / seconds,
    autocannonLatencyP50Ms: result.latency.p50,
    autocannonLatencyP99Ms: result.latency.p99,
  };
}
