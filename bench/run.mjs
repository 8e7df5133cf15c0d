#!/usr/bin/env node
// `npm run bench`: the gateway next to the mock provider called directly, a bare Node proxy (the
// floor) and Portkey's gateway (the peer), interleaved in one run. See /docs/benchmarks.md.
//
//   node bench/run.mjs            full run (writes docs/benchmarks.md and bench/results/*.json)
//   node bench/run.mjs --quick    ~30 s smoke run (results JSON only; add --docs to write the doc)
//
// Knobs: BENCH_ROUNDS, BENCH_REQUESTS (non-stream requests per target per round at concurrency 1),
// BENCH_STREAM_REQUESTS, BENCH_DURATION_S (throughput seconds per target per round),
// BENCH_CONNECTIONS (default 32), BENCH_SLICES, BENCH_WARMUP_S, BENCH_SKIP_PEER=1, BENCH_SKIP_GATEWAY=1.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  anthropicHeaders,
  checkResponse,
  checkStream,
  GATEWAY_KEY,
  openaiHeaders,
  ORG_ID,
  requestShape,
  UPSTREAM_KEY,
} from './lib/workload.mjs';
import { latencyBlock, latencyClient, throughput, timedRequest } from './lib/load.mjs';
import {
  Children,
  CLK_TCK,
  cpuTicks,
  freePort,
  listenAddresses,
  machineBusyTicks,
  memStatus,
  sleep,
  tasksetAvailable,
  waitForHttp,
} from './lib/proc.mjs';
import { median, minMax, percentile, ratio } from './lib/stats.mjs';
import { renderMarkdown, renderConsole } from './lib/report.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const PEER_DIR = path.join(BENCH_DIR, 'peer');
const PEER_PKG = path.join(PEER_DIR, 'node_modules/@portkey-ai/gateway/package.json');
const GATEWAY_MAIN = path.join(ROOT, 'apps/platform/dist/main.js');

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const WRITE_DOCS = args.has('--docs') || (!QUICK && !args.has('--no-docs'));
const envInt = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
};
const CFG = {
  quick: QUICK,
  rounds: envInt('BENCH_ROUNDS', QUICK ? 2 : 5),
  requests: envInt('BENCH_REQUESTS', QUICK ? 100 : 500),
  streamRequests: envInt('BENCH_STREAM_REQUESTS', QUICK ? 40 : 250),
  durationS: envInt('BENCH_DURATION_S', QUICK ? 1 : 4),
  connections: envInt('BENCH_CONNECTIONS', 32),
  warmupS: envInt('BENCH_WARMUP_S', QUICK ? 1 : 2),
  warmupRequests: QUICK ? 60 : 300,
  slices: envInt('BENCH_SLICES', QUICK ? 2 : 5),
  sliceWarmup: 5,
  blockMaxMs: QUICK ? 20_000 : 60_000,
};
const WATCHDOG_MS = QUICK ? 4 * 60_000 : 20 * 60_000;

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const runId = new Date().toISOString().replace(/[:.]/g, '-');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const LOG_DIR = path.join(RESULTS_DIR, `logs-${runId}`);
mkdirSync(LOG_DIR, { recursive: true });
const TMP = mkdtempSync(path.join(os.tmpdir(), 'optscale-bench-'));

// ---- placement -------------------------------------------------------------------------------
const NPROC = os.availableParallelism?.() ?? os.cpus().length;
const PIN = tasksetAvailable() && NPROC >= 2;
const CPU_PROXY = 0; // the process under test (floor, gateway, peer), one at a time under load
const CPU_AUX = 1; // the mock provider and the load generator (this process)
const children = new Children({ pin: PIN, logDir: LOG_DIR });

// ---- cleanup on every way out ----------------------------------------------------------------
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    await children.stopAll();
    rmSync(TMP, { recursive: true, force: true });
  })();
  return cleaning;
}
process.on('exit', () => children.killAllSync());
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    log(`${sig}: stopping the servers`);
    cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  log(`watchdog: the run took over ${WATCHDOG_MS / 60_000} min; stopping`);
  cleanup().finally(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();

// ---- helpers ---------------------------------------------------------------------------------
function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', timeout: 300_000, ...opts });
  return {
    ok: r.status === 0,
    out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(),
    status: r.status ?? r.signal,
  };
}
const tail = (file, n = 15) => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
};
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

function fastifyVersion() {
  try {
    const nest = createRequire(path.join(ROOT, 'libs/gateway-service/package.json')).resolve(
      '@nestjs/platform-fastify',
    );
    return createRequire(nest)('fastify/package.json').version;
  } catch {
    return null;
  }
}

function machineInfo() {
  let cpuModel = 'unknown';
  try {
    cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString().trim();
    if (dirty) commit += ' (with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  const version = (p) => {
    try {
      return readJson(p).version;
    } catch {
      return null;
    }
  };
  return {
    nproc: NPROC,
    cpuModel,
    memTotalMb: Math.round(os.totalmem() / 2 ** 20),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    clkTck: CLK_TCK,
    commit,
    versions: {
      autocannon: version(path.join(ROOT, 'node_modules/autocannon/package.json')),
      undici: version(path.join(ROOT, 'node_modules/undici/package.json')),
      fastify: fastifyVersion(),
      portkey: version(PEER_PKG),
      honoNodeServer: version(path.join(PEER_DIR, 'node_modules/@hono/node-server/package.json')),
      hono: version(path.join(PEER_DIR, 'node_modules/hono/package.json')),
    },
  };
}

function gatewayConfig(mockUrl) {
  return `organizations:
  - id: ${ORG_ID}
    name: Bench
    providers:
      - { name: OpenAI, proxy_name: openai, api_type: openai, base_url: ${mockUrl}, api_key: ${UPSTREAM_KEY}, models: [gpt-4.1] }
    users:
      - email: bench@example.com
        role: member
        allowed_providers: [openai]
        keys: [{ name: bench, value: ${GATEWAY_KEY} }]
`;
}

async function countLines(file) {
  if (!existsSync(file)) return 0;
  let n = 0;
  for await (const chunk of createReadStream(file)) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

// ---- the run ---------------------------------------------------------------------------------
async function main() {
  const startedAt = new Date();
  const loadStart = os.loadavg();
  const t0 = Date.now();
  const notes = [];
  const unavailable = {};

  // 1. The mock provider comes from @optscale/testing (not in the platform's build graph).
  log('building @optscale/testing (the mock provider)');
  const built = sh('npx', [
    'turbo',
    'run',
    'build',
    '--filter=@optscale/testing',
    '--output-logs=errors-only',
  ]);
  if (!built.ok) throw new Error(`building @optscale/testing failed:\n${built.out.slice(-3000)}`);

  // 2. The peer, installed apart from the workspace on first run.
  let peerInstallError = null;
  if (process.env.BENCH_SKIP_PEER) {
    peerInstallError = 'skipped (BENCH_SKIP_PEER)';
  } else if (!existsSync(PEER_PKG)) {
    log('installing the peer (Portkey gateway) into bench/peer');
    const r = sh('npm', ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund']);
    if (!r.ok || !existsSync(PEER_PKG)) {
      const why = r.out
        .split('\n')
        .filter((l) => /^npm (error|ERR!)/.test(l) && !/^npm (error|ERR!)\s+at /.test(l))
        .slice(0, 4);
      peerInstallError = `\`npm install --prefix bench/peer\` failed (exit ${r.status}): ${(why.length ? why.join(' ') : r.out.slice(-300)).replace(/\s+/g, ' ')}`;
    }
  }

  // 3. Placement: this process (the load generator) shares CPU 1 with the mock.
  if (PIN) {
    execFileSync('taskset', ['-a', '-p', '-c', String(CPU_AUX), String(process.pid)], { stdio: 'ignore' });
  } else {
    notes.push(
      tasksetAvailable() ? `Only ${NPROC} CPU: nothing pinned.` : 'taskset not found: nothing pinned.',
    );
  }

  // 4. Servers.
  log('starting the mock provider');
  const mock = await children.start('mock', [path.join(BENCH_DIR, 'mock-server.mjs')], {
    cpu: CPU_AUX,
    cwd: ROOT,
    readyLine: true,
  });
  const mockUrl = mock.info.url; // http://127.0.0.1:PORT/v1
  const mockOrigin = new URL(mockUrl).origin;

  log('starting the floor proxy');
  const floor = await children.start('floor', [path.join(BENCH_DIR, 'floor-proxy.mjs'), mockOrigin], {
    cpu: CPU_PROXY,
    cwd: ROOT,
    readyLine: true,
  });

  let gateway = null;
  const gatewayData = path.join(TMP, 'gateway-data');
  if (process.env.BENCH_SKIP_GATEWAY) {
    unavailable.gateway = 'skipped (BENCH_SKIP_GATEWAY)';
  } else if (!existsSync(GATEWAY_MAIN)) {
    unavailable.gateway = `${path.relative(ROOT, GATEWAY_MAIN)} does not exist (build failed?)`;
  } else {
    log('starting the gateway');
    mkdirSync(gatewayData, { recursive: true });
    const configFile = path.join(TMP, 'optscale.yaml');
    writeFileSync(configFile, gatewayConfig(mockUrl));
    const port = await freePort();
    const entry = await children.start('gateway', [GATEWAY_MAIN], {
      cpu: CPU_PROXY,
      cwd: ROOT,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        OPTSCALE_CONFIG: configFile,
        OPTSCALE_DATA_DIR: gatewayData,
        OPTSCALE_REQUEST_LOG: 'true',
      },
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, { isAlive: () => children.alive(entry) });
      gateway = { entry, port, origin: `http://127.0.0.1:${port}` };
    } catch (err) {
      unavailable.gateway = `did not start: ${err.message}\n${tail(entry.logFile)}`;
      await children.stop(entry);
    }
  }

  let peer = null;
  if (peerInstallError) {
    unavailable.peer = peerInstallError;
  } else {
    log('starting the peer (Portkey gateway)');
    const port = await freePort();
    const entry = await children.start('peer', [path.join(BENCH_DIR, 'peer-server.mjs'), String(port)], {
      cpu: CPU_PROXY,
      cwd: PEER_DIR,
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, {
        bodyIncludes: 'AI Gateway',
        isAlive: () => children.alive(entry),
      });
      peer = { entry, port, origin: `http://127.0.0.1:${port}` };
    } catch (err) {
      unavailable.peer = `did not start: ${err.message}\n${tail(entry.logFile)}`;
      await children.stop(entry);
    }
  }

  // 5. Targets.
  const candidates = [
    {
      id: 'direct',
      label: 'direct (mock, no proxy)',
      proc: null,
      shape: requestShape({
        origin: mockOrigin,
        path: '/v1/chat/completions',
        dialect: 'openai',
        model: 'gpt-4.1',
        headers: openaiHeaders(UPSTREAM_KEY),
      }),
    },
    {
      id: 'floor',
      label: 'floor (bare node:http proxy)',
      proc: floor,
      shape: requestShape({
        origin: floor.info.url,
        path: '/v1/chat/completions',
        dialect: 'openai',
        model: 'gpt-4.1',
        headers: openaiHeaders(UPSTREAM_KEY),
      }),
    },
  ];
  if (gateway) {
    const base = `/llm_proxy/${ORG_ID}`;
    candidates.push(
      {
        id: 'gateway',
        label: 'gateway, OpenAI surface, `openai/gpt-4.1` (model rewritten)',
        proc: gateway.entry,
        gated: true,
        shape: requestShape({
          origin: gateway.origin,
          path: `${base}/v1/chat/completions`,
          dialect: 'openai',
          model: 'openai/gpt-4.1',
          headers: openaiHeaders(GATEWAY_KEY),
        }),
      },
      {
        id: 'gateway-bare',
        label: 'gateway, OpenAI surface, `gpt-4.1` (body forwarded as is)',
        proc: gateway.entry,
        gated: true,
        shape: requestShape({
          origin: gateway.origin,
          path: `${base}/v1/chat/completions`,
          dialect: 'openai',
          model: 'gpt-4.1',
          headers: openaiHeaders(GATEWAY_KEY),
        }),
      },
      {
        id: 'gateway-anthropic',
        label: 'gateway, Anthropic surface → OpenAI provider (translated)',
        proc: gateway.entry,
        shape: requestShape({
          origin: gateway.origin,
          path: `${base}/anthropic/v1/messages`,
          dialect: 'anthropic',
          model: 'openai/gpt-4.1',
          headers: anthropicHeaders(GATEWAY_KEY),
        }),
      },
    );
  } else {
    for (const id of ['gateway', 'gateway-bare', 'gateway-anthropic']) unavailable[id] = unavailable.gateway;
  }
  if (peer) {
    candidates.push({
      id: 'peer',
      label: `peer: Portkey gateway ${readJson(PEER_PKG).version}`,
      proc: peer.entry,
      shape: requestShape({
        origin: peer.origin,
        path: '/v1/chat/completions',
        dialect: 'openai',
        model: 'gpt-4.1',
        headers: {
          ...openaiHeaders(UPSTREAM_KEY),
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': mockUrl,
        },
      }),
    });
  }

  // 6. Every target must answer correctly (non-stream and stream) before it is measured.
  const targets = [];
  const gatewayRequests = { sent: 0 };
  for (const t of candidates) {
    t.client = latencyClient(t.shape.origin);
    try {
      const a = await timedRequest(t.client, t.shape, { stream: false, keepText: true });
      const b = await timedRequest(t.client, t.shape, { stream: true, keepText: true });
      if (t.proc === gateway?.entry) gatewayRequests.sent += 2;
      const bad =
        checkResponse(t.shape.dialect, a.status, a.text) ??
        checkStream(t.shape.dialect, b.status, b.contentType, b.text);
      if (bad) throw new Error(bad);
      targets.push(t);
    } catch (err) {
      unavailable[t.id] = `failed its check: ${err.message}`;
      await t.client.close().catch(() => {});
      if (t.id === 'direct' || t.id === 'floor') throw new Error(`${t.id} ${unavailable[t.id]}`);
    }
  }
  for (const [id, why] of Object.entries(unavailable)) log(`${id}: unavailable: ${why.split('\n')[0]}`);

  // Where every server listens and which CPUs it may use.
  const servers = [
    { name: 'mock', entry: mock, port: mock.info.port },
    { name: 'floor', entry: floor, port: Number(new URL(floor.info.url).port) },
    gateway && { name: 'gateway', entry: gateway.entry, port: gateway.port },
    peer && { name: 'peer', entry: peer.entry, port: peer.port },
  ].filter(Boolean);
  const placement = {
    pinned: PIN,
    loadGenerator: { pid: process.pid, cpus: memStatus(process.pid).cpus },
    servers: servers.map((s) => ({
      name: s.name,
      pid: s.entry.pid,
      cpus: memStatus(s.entry.pid).cpus,
      listen: listenAddresses(s.port).map((a) => `${a}:${s.port}`),
    })),
  };
  for (const s of placement.servers) {
    if (s.listen.some((a) => !a.startsWith('127.0.0.1:')))
      notes.push(`${s.name} listens on ${s.listen.join(', ')} (not only loopback).`);
  }

  // 7. Warm-up (JIT, pools), unmeasured.
  log(`warming up ${targets.length} targets`);
  for (const t of targets) {
    await latencyBlock(t.client, t.shape, {
      stream: false,
      count: CFG.warmupRequests,
      warmup: 0,
      maxMs: CFG.blockMaxMs,
    });
    await latencyBlock(t.client, t.shape, {
      stream: true,
      count: Math.round(CFG.warmupRequests / 3),
      warmup: 0,
      maxMs: CFG.blockMaxMs,
    });
    const w = await throughput(t.shape, { connections: CFG.connections, durationS: CFG.warmupS });
    if (t.proc === gateway?.entry)
      gatewayRequests.sent += CFG.warmupRequests + Math.round(CFG.warmupRequests / 3) + w.sent;
  }

  // 8. Rounds: every target once per round, order rotated each round; latency blocks first, then
  // the throughput phases (so the after-effects of concurrency 32 never land on a latency block).
  const rounds = [];
  const pooled = Object.fromEntries(targets.map((t) => [t.id, { total: [], ttfb: [] }]));
  for (let r = 0; r < CFG.rounds; r++) {
    const order = targets.map((_, i) => targets[(i + r) % targets.length]);
    log(`round ${r + 1}/${CFG.rounds}: ${order.map((t) => t.id).join(', ')}`);
    const round = { order: order.map((t) => t.id), latency: {}, stream: {}, throughput: {}, rssKb: {} };
    await sleep(300);
    const ours = () =>
      [process.pid, ...servers.map((s) => s.entry.pid)].reduce((a, pid) => a + cpuTicks(pid), 0);
    const roundStart = { busy: machineBusyTicks(), ours: ours(), at: process.hrtime.bigint() };
    // Latency: the round's requests per target are cut into slices, and the slices of all targets
    // alternate, so a burst of outside load lands on every target alike.
    const samples = Object.fromEntries(
      order.map((t) => [
        t.id,
        { total: [], ttfb: [], streamTotal: [], errors: 0, streamErrors: 0, lastError: undefined },
      ]),
    );
    for (let slice = 0; slice < CFG.slices; slice++) {
      const share = (n) => Math.floor(n / CFG.slices) + (slice < n % CFG.slices ? 1 : 0);
      for (const t of order) {
        const acc = samples[t.id];
        const ns = await latencyBlock(t.client, t.shape, {
          stream: false,
          count: share(CFG.requests),
          warmup: CFG.sliceWarmup,
          maxMs: CFG.blockMaxMs,
        });
        const st = await latencyBlock(t.client, t.shape, {
          stream: true,
          count: share(CFG.streamRequests),
          warmup: CFG.sliceWarmup,
          maxMs: CFG.blockMaxMs,
        });
        if (t.proc === gateway?.entry)
          gatewayRequests.sent +=
            ns.total.length + st.total.length + 2 * CFG.sliceWarmup + ns.errors + st.errors;
        acc.total.push(...ns.total);
        acc.ttfb.push(...st.firstByte);
        acc.streamTotal.push(...st.total);
        acc.errors += ns.errors;
        acc.streamErrors += st.errors;
        acc.lastError = ns.lastError ?? st.lastError ?? acc.lastError;
      }
    }
    for (const t of order) {
      const acc = samples[t.id];
      pooled[t.id].total.push(...acc.total);
      pooled[t.id].ttfb.push(...acc.ttfb);
      round.latency[t.id] = {
        n: acc.total.length,
        errors: acc.errors,
        lastError: acc.lastError,
        p50: percentile(acc.total, 0.5),
        p99: percentile(acc.total, 0.99),
        mean: acc.total.reduce((a, b) => a + b, 0) / (acc.total.length || 1),
      };
      round.stream[t.id] = {
        n: acc.ttfb.length,
        errors: acc.streamErrors,
        ttfbP50: percentile(acc.ttfb, 0.5),
        ttfbP99: percentile(acc.ttfb, 0.99),
        totalP50: percentile(acc.streamTotal, 0.5),
      };
    }
    for (const t of order) {
      await sleep(200);
      const pid = t.proc?.pid;
      const before = {
        proxy: pid ? cpuTicks(pid) : null,
        mock: cpuTicks(mock.pid),
        self: process.cpuUsage(),
        at: process.hrtime.bigint(),
      };
      const tp = await throughput(t.shape, { connections: CFG.connections, durationS: CFG.durationS });
      const wallS = Number(process.hrtime.bigint() - before.at) / 1e9;
      const self = process.cpuUsage(before.self);
      const proxyCpuS = pid ? (cpuTicks(pid) - before.proxy) / CLK_TCK : null;
      const mockCpuS = (cpuTicks(mock.pid) - before.mock) / CLK_TCK;
      const loadCpuS = (self.user + self.system) / 1e6;
      if (t.proc === gateway?.entry) gatewayRequests.sent += tp.sent;
      round.throughput[t.id] = {
        ...tp,
        wallS,
        proxyCpuMsPerReq: proxyCpuS === null || tp.completed === 0 ? null : (proxyCpuS * 1000) / tp.completed,
        proxyCpuUtil: proxyCpuS === null ? null : proxyCpuS / wallS,
        mockCpuMsPerReq: tp.completed === 0 ? null : (mockCpuS * 1000) / tp.completed,
        auxCpuUtil: (mockCpuS + loadCpuS) / wallS,
        loadCpuUtil: loadCpuS / wallS,
      };
    }
    for (const s of servers) {
      if (!children.alive(s.entry))
        throw new Error(`${s.name} exited during the run; see ${s.entry.logFile}\n${tail(s.entry.logFile)}`);
    }
    for (const s of servers) round.rssKb[s.name] = memStatus(s.entry.pid).rssKb;
    // CPU used by anything else on the machine during this round, as a share of all CPUs.
    const roundWallTicks = (Number(process.hrtime.bigint() - roundStart.at) / 1e9) * CLK_TCK;
    const foreign = machineBusyTicks() - roundStart.busy - (ours() - roundStart.ours);
    round.otherLoad = Math.max(0, foreign) / (NPROC * roundWallTicks);
    round.loadavg = os.loadavg()[0];
    rounds.push(round);
  }

  // 9. Memory at the end of the run.
  await sleep(1000);
  const memory = {};
  for (const s of servers) memory[s.name] = memStatus(s.entry.pid);

  for (const t of targets) await t.client.close().catch(() => {});

  // 10. The gateway's request record: one event per request, flushed on shutdown.
  let requestLog = null;
  if (gateway) {
    await children.stop(gateway.entry, 10_000);
    requestLog = {
      events: await countLines(path.join(gatewayData, 'requests.ndjson')),
      requestsSent: gatewayRequests.sent,
    };
  }

  const summary = summarize(targets, rounds, pooled);
  const result = {
    runId,
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - t0) / 1000),
    config: CFG,
    machine: machineInfo(),
    placement,
    targets: Object.fromEntries(candidates.map((t) => [t.id, t.label])),
    unavailable,
    notes,
    loadavg: { start: loadStart, end: os.loadavg() },
    otherLoad: {
      median: median(rounds.map((r) => r.otherLoad)),
      max: Math.max(...rounds.map((r) => r.otherLoad)),
    },
    requestLog,
    memory,
    rounds,
    summary,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonFile = path.join(RESULTS_DIR, `${runId}${QUICK ? '-quick' : ''}.json`);
  writeFileSync(jsonFile, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(renderConsole(result) + '\n');
  log(`raw results: ${path.relative(ROOT, jsonFile)}`);
  if (WRITE_DOCS) {
    const doc = path.join(ROOT, 'docs/benchmarks.md');
    writeFileSync(doc, renderMarkdown(result));
    // Align the tables the way the repository's formatter would (best effort).
    const prettier = path.join(ROOT, 'node_modules/.bin/prettier');
    if (existsSync(prettier)) sh(prettier, ['--write', '--log-level', 'warn', doc], { timeout: 60_000 });
    log('wrote docs/benchmarks.md');
  }
}

/** Medians over rounds; "added" is computed per round against direct, then the median is taken. */
function summarize(targets, rounds, pooled) {
  const per = (id, f) => rounds.map((r) => f(r, id));
  const out = {};
  for (const t of targets) {
    const addedP50 = per(t.id, (r, id) => r.latency[id].p50 - r.latency.direct.p50);
    const addedP99 = per(t.id, (r, id) => r.latency[id].p99 - r.latency.direct.p99);
    const addedTtfbP50 = per(t.id, (r, id) => r.stream[id].ttfbP50 - r.stream.direct.ttfbP50);
    const addedTtfbP99 = per(t.id, (r, id) => r.stream[id].ttfbP99 - r.stream.direct.ttfbP99);
    out[t.id] = {
      label: t.label,
      gated: Boolean(t.gated),
      p50: median(per(t.id, (r, id) => r.latency[id].p50)),
      p99: median(per(t.id, (r, id) => r.latency[id].p99)),
      addedP50: median(addedP50),
      addedP99: median(addedP99),
      ttfbP50: median(per(t.id, (r, id) => r.stream[id].ttfbP50)),
      ttfbP99: median(per(t.id, (r, id) => r.stream[id].ttfbP99)),
      streamTotalP50: median(per(t.id, (r, id) => r.stream[id].totalP50)),
      addedTtfbP50: median(addedTtfbP50),
      addedTtfbP99: median(addedTtfbP99),
      latencyErrors: rounds.reduce((a, r) => a + r.latency[t.id].errors + r.stream[t.id].errors, 0),
      rps: median(per(t.id, (r, id) => r.throughput[id].rps)),
      rpsRange: minMax(per(t.id, (r, id) => r.throughput[id].rps)),
      throughputErrors: rounds.reduce(
        (a, r) => a + r.throughput[t.id].non2xx + r.throughput[t.id].errors + r.throughput[t.id].timeouts,
        0,
      ),
      throughputResponses: rounds.reduce((a, r) => a + r.throughput[t.id].completed, 0),
      proxyCpuMsPerReq: median(per(t.id, (r, id) => r.throughput[id].proxyCpuMsPerReq)),
      proxyCpuUtil: median(per(t.id, (r, id) => r.throughput[id].proxyCpuUtil)),
      mockCpuMsPerReq: median(per(t.id, (r, id) => r.throughput[id].mockCpuMsPerReq)),
      auxCpuUtil: median(per(t.id, (r, id) => r.throughput[id].auxCpuUtil)),
      pooled: {
        n: pooled[t.id].total.length,
        p50: percentile(pooled[t.id].total, 0.5),
        p99: percentile(pooled[t.id].total, 0.99),
        ttfbN: pooled[t.id].ttfb.length,
        ttfbP50: percentile(pooled[t.id].ttfb, 0.5),
        ttfbP99: percentile(pooled[t.id].ttfb, 0.99),
      },
      perRound: {
        addedP50,
        addedP99,
        addedTtfbP50,
        addedTtfbP99,
        rps: per(t.id, (r, id) => r.throughput[id].rps),
      },
    };
  }
  const floor = out.floor;
  for (const s of Object.values(out)) {
    s.vsFloor = {
      addedP50: ratio(s.addedP50, floor.addedP50),
      addedP99: ratio(s.addedP99, floor.addedP99),
      addedTtfbP50: ratio(s.addedTtfbP50, floor.addedTtfbP50),
      addedTtfbP99: ratio(s.addedTtfbP99, floor.addedTtfbP99),
      rps: ratio(s.rps, floor.rps),
      proxyCpuMsPerReq: ratio(s.proxyCpuMsPerReq, floor.proxyCpuMsPerReq),
      perRoundAddedP50: minMax(s.perRound.addedP50.map((v, i) => ratio(v, floor.perRound.addedP50[i]))),
      perRoundAddedP99: minMax(s.perRound.addedP99.map((v, i) => ratio(v, floor.perRound.addedP99[i]))),
      perRoundAddedTtfbP50: minMax(
        s.perRound.addedTtfbP50.map((v, i) => ratio(v, floor.perRound.addedTtfbP50[i])),
      ),
      perRoundRps: minMax(s.perRound.rps.map((v, i) => ratio(v, floor.perRound.rps[i]))),
    };
  }
  return out;
}

try {
  await main();
  await cleanup();
  process.exit(0);
} catch (err) {
  log(`failed: ${err.stack ?? err.message}`);
  await cleanup();
  process.exit(1);
}
