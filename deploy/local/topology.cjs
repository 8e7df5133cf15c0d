// The distributed topology on one machine: auth, router, policy and two gateway replicas, each its own
// Node process, against the local stack's Postgres and Kafka. Used by `npm run start:distributed`
// (deploy/local/start-distributed.cjs) and by the integration tests that measure propagation.
// Plain CommonJS so that both a shell and Jest load it without a build step; the services
// themselves run from their built `dist/` (npm test and start:distributed build them first).
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdirSync, existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

/** A service's `/readyz` answers 200 (or the deadline passes). */
async function waitReady(name, url, child, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} was not ready at ${url} within ${deadlineMs} ms: ${last}`);
}

/** A secret shared by every gateway replica (redaction placeholders must agree), kept in `stateDir`. */
function redactionSecret(stateDir) {
  const file = join(stateDir, 'redaction-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** A key file shared by every service (32 random bytes, base64), created once in `stateDir`. */
function kekFile(stateDir) {
  const file = join(stateDir, 'kek');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return file;
}

/**
 * Starts the topology and resolves when every service is ready.
 * options: { databaseUrl, kafkaBrokers (comma list), stateDir, topicPrefix?, bootstrapToken?,
 *            clickhouseUrl?, clickhouseDatabase? (with a ClickHouse URL: trace-collector and cost-aggregator too),
 *            redisUrl? (the gateways' shared budget counters; without it each replica counts alone),
 *            ports?: { auth, router, policy?, traceCollector?, costAggregator?, gateways: [a, b] },
 *            env?: extra env for all, log?: (line) => void }
 */
async function startTopology(options) {
  const ports = {
    policy: 8083,
    traceCollector: 8084,
    costAggregator: 8085,
    ...(options.ports ?? { auth: 8081, router: 8082, gateways: [8080, 8090] }),
  };
  mkdirSync(options.stateDir, { recursive: true });
  const bootstrapToken = options.bootstrapToken ?? randomBytes(24).toString('base64url');
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const common = {
    ...process.env,
    ...options.env,
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
    OPTSCALE_KEK_FILE: kekFile(options.stateDir),
    OPTSCALE_BOOTSTRAP_TOKEN: bootstrapToken,
    OPTSCALE_REDACTION_SECRET: redactionSecret(options.stateDir),
    OPTSCALE_PUBLIC_URL: `http://127.0.0.1:${ports.gateways[0]}`,
  };
  delete common.OPTSCALE_KEK;
  delete common.OPTSCALE_CONFIG;
  const services = [
    { name: 'auth', main: 'apps/auth/dist/main.js', port: ports.auth, env: options.authEnv ?? {} },
    { name: 'router', main: 'apps/router/dist/main.js', port: ports.router, env: {} },
    { name: 'policy', main: 'apps/policy/dist/main.js', port: ports.policy, env: {} },
    // The analytics services, when a ClickHouse server is given (options.clickhouseUrl).
    ...(options.clickhouseUrl
      ? [
          { name: 'trace-collector', main: 'apps/trace-collector/dist/main.js', port: ports.traceCollector },
          { name: 'cost-aggregator', main: 'apps/cost-aggregator/dist/main.js', port: ports.costAggregator },
        ].map((service) => ({
          ...service,
          env: {
            CLICKHOUSE_URL: options.clickhouseUrl,
            CLICKHOUSE_DATABASE: options.clickhouseDatabase ?? 'optscale',
          },
        }))
      : []),
    ...ports.gateways.map((port, i) => ({
      name: `gateway-${String.fromCharCode(97 + i)}`,
      main: 'apps/gateway/dist/main.js',
      port,
      env: {
        OPTSCALE_DATA_DIR: join(options.stateDir, `gateway-${i}`),
        KAFKA_CLIENT_ID: `optscale-gateway-${i}`,
        // Budget and rate-limit counters shared by the replicas (docs/adr/0008), when given.
        ...(options.redisUrl
          ? {
              OPTSCALE_REDIS_URL: options.redisUrl,
              OPTSCALE_REDIS_KEY_PREFIX: `${options.topicPrefix ?? ''}optscale:`,
            }
          : {}),
      },
    })),
  ];
  const running = [];
  const stop = async () => {
    await Promise.all(
      running.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
  };
  try {
    // One at a time: auth migrates and imports first, router publishes providers, then the gateways.
    for (const service of services) {
      const child = spawn(process.execPath, [join(ROOT, service.main)], {
        cwd: ROOT,
        env: { ...common, ...service.env, PORT: String(service.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      for (const stream of [child.stdout, child.stderr]) {
        let partial = '';
        stream.on('data', (chunk) => {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) log(`[${service.name}] ${line}`);
        });
      }
      const url = `http://127.0.0.1:${service.port}`;
      running.push({ ...service, child, url });
      await waitReady(service.name, url, child, options.readyTimeoutMs ?? 60_000);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const url = (name) => running.find((s) => s.name === name).url;
  return {
    bootstrapToken,
    authUrl: url('auth'),
    routerUrl: url('router'),
    policyUrl: url('policy'),
    traceCollectorUrl: options.clickhouseUrl ? url('trace-collector') : undefined,
    costAggregatorUrl: options.clickhouseUrl ? url('cost-aggregator') : undefined,
    gatewayUrls: running.filter((s) => s.name.startsWith('gateway-')).map((s) => s.url),
    processes: running.map(({ name, child, url: u }) => ({ name, pid: child.pid, url: u })),
    stop,
  };
}

/** The env lines `deploy/local/stack.sh up` wrote. */
function readStackEnv(stackDir = process.env.OPTSCALE_STACK_DIR || '/tmp/optscale-stack') {
  const text = readFileSync(join(stackDir, 'stack.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

module.exports = { startTopology, readStackEnv };
