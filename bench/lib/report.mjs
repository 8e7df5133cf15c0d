// Renders a bench result (see run.mjs) as docs/benchmarks.md and as a console summary.

/** The targets from the issue, checked for the gateway's OpenAI-surface lines. */
export const GOALS = [
  { key: 'addedP50', what: 'added latency p50 (non-stream)', op: '<=', limit: 1.5 },
  { key: 'addedP99', what: 'added latency p99 (non-stream)', op: '<=', limit: 2 },
  { key: 'addedTtfbP50', what: 'added time to first byte p50 (stream)', op: '<=', limit: 1.5 },
  { key: 'rps', what: 'throughput at concurrency C, no errors', op: '>=', limit: 0.5 },
];

export function verdicts(result) {
  const out = [];
  const ids = Object.keys(result.targets).filter((id) => id === 'gateway' || id === 'gateway-bare');
  for (const id of ids) {
    const s = result.summary[id];
    for (const g of GOALS) {
      const what = g.what.replace('C', String(result.config.connections));
      if (!s) {
        out.push({
          id,
          what,
          goal: g,
          status: 'NOT MEASURED',
          value: null,
          why: firstLine(result.unavailable[id]),
        });
        continue;
      }
      const value = s.vsFloor[g.key];
      let ok = value !== null && (g.op === '<=' ? value <= g.limit : value >= g.limit);
      let why = '';
      if (g.key === 'rps' && s.throughputErrors > 0) {
        ok = false;
        why = `${s.throughputErrors} errors`;
      }
      if (g.key !== 'rps' && s.latencyErrors > 0) why = `${s.latencyErrors} errors at concurrency 1`;
      const range = {
        addedP50: 'perRoundAddedP50',
        addedP99: 'perRoundAddedP99',
        addedTtfbP50: 'perRoundAddedTtfbP50',
        rps: 'perRoundRps',
      }[g.key];
      out.push({
        id,
        what,
        goal: g,
        status: ok ? 'PASS' : 'FAIL',
        value,
        range: range ? s.vsFloor[range] : null,
        why,
      });
    }
  }
  return out;
}

const firstLine = (s) => (s ?? '').split('\n')[0];

function ms(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a < 10 ? v.toFixed(3) : a < 100 ? v.toFixed(2) : v.toFixed(1);
}
const x = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(2)}×`);
const pct = (v) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`);
const mb = (kb) => (kb === null || kb === undefined ? '—' : `${(kb / 1024).toFixed(0)} MB`);
const int = (v) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
const range = (r) => (r ? `${r[0].toFixed(2)}–${r[1].toFixed(2)}×` : '—');

function procOf(id) {
  if (id === 'direct') return 'mock';
  if (id.startsWith('gateway')) return 'gateway';
  return id;
}

function table(header, rows) {
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((h, i) => (i === 0 ? '---' : '--:')).join('|')}|`,
  ];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export function tables(result) {
  const ids = Object.keys(result.summary);
  const S = result.summary;
  const ref = (id) => id === 'direct';
  const latency = table(
    ['Target', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p50 × floor', 'added p99 ms', 'added p99 × floor'],
    ids.map((id) => {
      const s = S[id];
      return [
        s.label,
        ms(s.p50),
        ms(s.p99),
        ref(id) ? '—' : ms(s.addedP50),
        ref(id) ? '—' : x(s.vsFloor.addedP50),
        ref(id) ? '—' : ms(s.addedP99),
        ref(id) ? '—' : x(s.vsFloor.addedP99),
      ];
    }),
  );
  const stream = table(
    [
      'Target',
      'TTFB p50 ms',
      'TTFB p99 ms',
      'added p50 ms',
      'added p50 × floor',
      'added p99 ms',
      'added p99 × floor',
      'whole stream p50 ms',
    ],
    ids.map((id) => {
      const s = S[id];
      return [
        s.label,
        ms(s.ttfbP50),
        ms(s.ttfbP99),
        ref(id) ? '—' : ms(s.addedTtfbP50),
        ref(id) ? '—' : x(s.vsFloor.addedTtfbP50),
        ref(id) ? '—' : ms(s.addedTtfbP99),
        ref(id) ? '—' : x(s.vsFloor.addedTtfbP99),
        ms(s.streamTotalP50),
      ];
    }),
  );
  const tput = table(
    [
      'Target',
      'req/s',
      '× floor',
      'errors',
      'proxy CPU ms/req',
      '× floor',
      'proxy CPU busy',
      'mock CPU ms/req',
      'CPU 1 busy (mock + load gen)',
      'peak RSS (VmHWM)',
      'RSS at end',
    ],
    ids.map((id) => {
      const s = S[id];
      const mem = result.memory[procOf(id)] ?? {};
      return [
        s.label,
        int(s.rps),
        ref(id) ? '—' : x(s.vsFloor.rps),
        `${s.throughputErrors} / ${int(s.throughputResponses)}`,
        ref(id) ? '—' : ms(s.proxyCpuMsPerReq),
        ref(id) ? '—' : x(s.vsFloor.proxyCpuMsPerReq),
        ref(id) ? '—' : pct(s.proxyCpuUtil),
        ms(s.mockCpuMsPerReq),
        pct(s.auxCpuUtil),
        ref(id) ? '—' : mb(mem.hwmKb),
        ref(id) ? '—' : mb(mem.rssKb),
      ];
    }),
  );
  return { latency, stream, tput };
}

/** Observations derived from the numbers (bottlenecks, memory trend), stated plainly. */
function observations(result) {
  const out = [];
  const S = result.summary;
  const floor = S.floor;
  if (floor && floor.proxyCpuUtil !== null && floor.proxyCpuUtil < 0.9) {
    out.push(
      `At concurrency ${result.config.connections} the floor proxy kept its CPU only ${pct(floor.proxyCpuUtil)} busy (CPU 1, mock + load ` +
        `generator: ${pct(floor.auxCpuUtil)}): the floor's throughput is partly limited by the other side of the loop (one core for the mock ` +
        `and the load generator, and the other work on the machine), not by the proxy alone. A proxy that saturates its CPU is compared ` +
        `against a floor that did not, so the "× floor" throughput ratios are, if anything, flattering.`,
    );
  }
  for (const id of ['gateway', 'gateway-bare', 'peer']) {
    const s = S[id];
    if (!s || !floor || !s.proxyCpuMsPerReq || !floor.proxyCpuMsPerReq) continue;
    out.push(
      `${s.label} spent ${ms(s.proxyCpuMsPerReq)} ms of CPU per request, ${x(s.vsFloor.proxyCpuMsPerReq)} the floor's ${ms(floor.proxyCpuMsPerReq)} ms: ` +
        `on one fully busy core that caps it near ${int(1000 / s.proxyCpuMsPerReq)} req/s against the floor's ${int(1000 / floor.proxyCpuMsPerReq)} ` +
        `(${x(floor.proxyCpuMsPerReq / s.proxyCpuMsPerReq)}), a throughput ratio less sensitive to the machine's other load than measured req/s.`,
    );
  }
  for (const id of Object.keys(S)) {
    const s = S[id];
    if (s.latencyErrors > 0) out.push(`${s.label}: ${s.latencyErrors} failed requests at concurrency 1.`);
    if (s.throughputErrors > 0)
      out.push(
        `${s.label}: ${s.throughputErrors} errors (non-2xx, socket errors, timeouts) at concurrency ${result.config.connections}.`,
      );
  }
  const rss = result.rounds.map((r) => r.rssKb);
  if (rss.length >= 2) {
    const parts = [];
    for (const name of Object.keys(rss[0])) {
      const series = rss.map((r) => r[name]).filter((v) => v !== null);
      if (series.length >= 2)
        parts.push(`${name} ${series.map((kb) => (kb / 1024).toFixed(0)).join(' → ')} MB`);
    }
    out.push(`RSS after each round: ${parts.join('; ')}.`);
  }
  if (result.requestLog) {
    const { events, requestsSent } = result.requestLog;
    out.push(
      `The gateway's request record (\`OPTSCALE_REQUEST_LOG=true\`, a JSON-lines file) held ${int(events)} events after shutdown for ` +
        `${int(requestsSent)} requests the bench sent to the gateway` +
        (events === requestsSent
          ? ': one event per request, so the record stage was on throughout.'
          : ` (${int(events - requestsSent)} difference).`),
    );
  }
  const peer = S.peer;
  if (peer && peer.addedTtfbP50 > 20) {
    out.push(
      `Most of the peer's time to first byte is deliberate: Portkey's stream reader waits 25 ms (\`setTimeout(…, 25)\`) before passing on its first chunk.`,
    );
  }
  if (result.otherLoad) {
    out.push(
      `Other work on this shared machine took ${pct(result.otherLoad.median)} of its ${result.machine.nproc} CPUs during a median round ` +
        `(max ${pct(result.otherLoad.max)}); load average ${result.loadavg.start[0].toFixed(2)} at the start, ${result.loadavg.end[0].toFixed(2)} at the end.`,
    );
  }
  for (const n of result.notes) out.push(n);
  return out;
}

export function renderConsole(result) {
  const t = tables(result);
  const lines = [
    '',
    `Latency at concurrency 1, non-stream (medians over ${result.config.rounds} rounds)`,
    t.latency,
    '',
    'Streaming: time to first byte at concurrency 1',
    t.stream,
    '',
    `Throughput at concurrency ${result.config.connections}, non-stream`,
    t.tput,
    '',
  ];
  for (const v of verdicts(result)) {
    lines.push(
      `${v.status.padEnd(12)} ${v.id}: ${v.what} ${x(v.value)} of the floor (goal ${v.goal.op} ${v.goal.limit}×)${v.why ? ` — ${v.why}` : ''}`,
    );
  }
  for (const [id, why] of Object.entries(result.unavailable))
    lines.push(`unavailable  ${id}: ${firstLine(why)}`);
  for (const o of observations(result)) lines.push(`note: ${o}`);
  return lines.join('\n');
}

export function renderMarkdown(result) {
  const t = tables(result);
  const m = result.machine;
  const c = result.config;
  const v = verdicts(result);
  const place = (name) => result.placement.servers.find((s) => s.name === name);
  const placeLine = (name, what) => {
    const p = place(name);
    return p
      ? `  - ${what}: CPU ${p.cpus} (listening on ${p.listen.join(', ') || '?'})`
      : `  - ${what}: not started`;
  };
  const md = [];
  md.push('# Benchmarks', '');
  md.push(
    `Generated by \`npm run bench\` (bench/run.mjs) on ${result.startedAt.slice(0, 10)}; the run took ${result.durationS} s. ` +
      'Do not edit by hand: re-run it. How we measure: the floor, the peer, ratios measured side by side in one run, medians over rounds.',
    '',
  );
  md.push('## Against the targets', '');
  md.push(
    "Gateway with every stage on (key-hash auth, model resolution and routing, request event recorded to the JSON-lines sink), added latency and throughput as multiples of the floor's. " +
      "Each ratio divides the median over rounds of the gateway's figure by the floor's; the per-round range is the lowest and highest ratio within single rounds.",
    '',
  );
  for (const r of v) {
    const label =
      r.id === 'gateway' ? '`openai/gpt-4.1` (model rewritten)' : '`gpt-4.1` (body forwarded as is)';
    const per = r.range ? `; per-round range ${range(r.range)}` : '';
    md.push(
      `- **${r.status}** ${label}: ${r.what}: ${x(r.value)} (goal ${r.goal.op} ${r.goal.limit}×${per})${r.why ? ` — ${r.why}` : ''}`,
    );
  }
  if (v.length === 0) md.push('- NOT MEASURED: the gateway was not available in this run.');
  md.push('');
  const others = ['gateway-anthropic', 'peer'].filter((id) => result.summary[id]);
  if (others.length) {
    md.push('Other lines, with no target, the same ratios:', '');
    for (const id of others) {
      const s = result.summary[id];
      md.push(
        `- ${s.label}: added p50 ${x(s.vsFloor.addedP50)}, added p99 ${x(s.vsFloor.addedP99)}, added TTFB p50 ${x(s.vsFloor.addedTtfbP50)}, ` +
          `throughput ${x(s.vsFloor.rps)} (${s.throughputErrors} errors), CPU per request ${x(s.vsFloor.proxyCpuMsPerReq)} the floor's.`,
      );
    }
    md.push('');
  }
  md.push(`## Latency at concurrency 1, non-stream (medians over ${c.rounds} rounds)`, '');
  md.push(
    `${c.requests} requests per target per round, one keep-alive connection, timed with \`process.hrtime.bigint()\` from sending the request to reading the whole body. ` +
      '"Added" is the target minus direct, per round (p50 minus p50, p99 minus p99), then the median over rounds; "× floor" divides by the floor\'s added latency.',
    '',
  );
  md.push(t.latency, '');
  md.push('## Streaming: time to first byte at concurrency 1', '');
  md.push(
    `${c.streamRequests} \`stream: true\` requests per target per round; the mock streams the answer in 5 content chunks (plus role, finish and end events). ` +
      'TTFB is the time from sending the request to the first byte of the response body (the first SSE event).',
    '',
  );
  md.push(t.stream, '');
  md.push(`## Throughput at concurrency ${c.connections}, non-stream, and resources`, '');
  md.push(
    `autocannon ${m.versions.autocannon}, ${c.connections} keep-alive connections, ${c.durationS} s per target per round. Errors are non-2xx + socket errors + timeouts over all rounds / responses. ` +
      'Proxy CPU ms/req is utime+stime of the proxy process from /proc/<pid>/stat over a throughput phase divided by its responses; "busy" is that CPU time over wall time. ' +
      'Peak RSS is VmHWM and RSS at end is VmRSS from /proc/<pid>/status after all rounds (the three gateway lines are one process).',
    '',
  );
  md.push(t.tput, '');
  md.push('## Observations', '');
  for (const o of observations(result)) md.push(`- ${o}`);
  const un = Object.entries(result.unavailable);
  for (const [id, why] of un) md.push(`- ${id} was not measured: ${firstLine(why)}`);
  md.push('');
  md.push('## How it was measured', '');
  md.push(
    `- Machine: ${m.nproc} CPUs (${m.cpuModel}), ${(m.memTotalMb / 1024).toFixed(0)} GB RAM, ${m.kernel}, Node.js ${m.node}. Shared and noisy: trust the ratios, not the absolute times.`,
  );
  md.push(
    `- Code: OptScale AI at ${m.commit}; Fastify ${m.versions.fastify} (as resolved by @nestjs/platform-fastify). Peer: @portkey-ai/gateway ${m.versions.portkey ?? '(not installed)'} with @hono/node-server ${m.versions.honoNodeServer ?? '—'} (pinned through npm \`overrides\`) and hono ${m.versions.hono ?? '—'}, installed in bench/peer with its own package.json. Load: autocannon ${m.versions.autocannon} (throughput), undici ${m.versions.undici} (concurrency-1 loop).`,
  );
  md.push(
    `- Targets: **direct**: the @optscale/testing mock OpenAI provider (\`record: false\`); **floor**: bench/floor-proxy.mjs, node:http piping request → upstream → response through a keep-alive agent, no parsing; **gateway**: apps/platform/dist/main.js with a generated config (one organization, one OpenAI provider pointing at the mock, one user, one key), \`OPTSCALE_REQUEST_LOG=true\`, called on \`/llm_proxy/<org>/v1/chat/completions\` and \`/llm_proxy/<org>/anthropic/v1/messages\`; **peer**: Portkey's start-server.js with \`--headless\`, routed with \`x-portkey-provider: openai\` and \`x-portkey-custom-host: <mock>/v1\`.`,
  );
  md.push(
    "- Loopback only. Portkey 1.15.2 has no option to choose its interface (it calls `serve({ fetch, port })`, which listens on all interfaces), so bench/peer-server.mjs makes a `listen()` without a host bind to 127.0.0.1 in Portkey's process, then loads its unchanged entry point; the bench checks every listener in /proc/net/tcp.",
  );
  if (result.placement.pinned) {
    md.push('- Placement (taskset), identical for every target:');
    md.push(placeLine('floor', 'floor proxy'));
    md.push(placeLine('gateway', 'gateway'));
    md.push(placeLine('peer', 'peer'));
    md.push(placeLine('mock', 'mock provider'));
    md.push(`  - load generator (bench/run.mjs, all threads): CPU ${result.placement.loadGenerator.cpus}`);
    md.push(
      '  - Each server is its own process; only one target is under load at a time, so the process under test has CPU 0 to itself and the mock shares CPU 1 with the load generator.',
    );
  } else {
    md.push('- Placement: not pinned (see observations).');
  }
  md.push(
    `- Schedule: warm-up (${c.warmupRequests} non-stream + ${Math.round(c.warmupRequests / 3)} stream requests and ${c.warmupS} s at concurrency ${c.connections} per target, unmeasured), then ${c.rounds} rounds. ` +
      `Each round first measures latency: every target's ${c.requests} non-stream and ${c.streamRequests} stream requests are cut into ${c.slices} slices and the slices of all targets alternate (each slice preceded by ${c.sliceWarmup} unmeasured requests); then every target's throughput phase. The target order rotates each round, so outside noise and ordering hit all targets alike. ` +
      'Every figure is the median of the per-round values.',
  );
  md.push('');
  md.push('## Reproduce', '');
  md.push('```bash');
  md.push('npm ci');
  md.push(
    'npm run bench                 # builds the platform, installs the peer into bench/peer on first run, ~3-4 min',
  );
  md.push(
    'npm run bench -- --quick      # ~30 s smoke run; writes only bench/results/*.json (add --docs to write this file)',
  );
  md.push('BENCH_ROUNDS=7 BENCH_REQUESTS=1000 BENCH_STREAM_REQUESTS=500 BENCH_DURATION_S=5 npm run bench');
  md.push('```');
  md.push('');
  md.push(
    'Other knobs: `BENCH_CONNECTIONS` (32), `BENCH_SLICES` (latency slices per round, 5), `BENCH_WARMUP_S`, `BENCH_SKIP_PEER=1`, `BENCH_SKIP_GATEWAY=1`. Raw results (every round) are in `bench/results/<run>.json` and `bench/results/latest.json`, ' +
      'server logs in `bench/results/logs-<run>/` (gitignored). The script needs Linux (/proc) and uses `taskset` from util-linux when it exists.',
  );
  md.push('');
  return md.join('\n');
}
