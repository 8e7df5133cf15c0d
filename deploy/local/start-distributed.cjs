// `npm run start:distributed`: the whole distributed topology against the local stack, for trying
// it: auth (:8081), router (:8082), policy (:8083), trace-collector (:8084), cost-aggregator (:8085) and two gateway replicas (:8080, :8090), each its own process,
// sharing the Postgres server and Kafka. Ctrl-C stops them all (each drains its requests).
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { startTopology, readStackEnv } = require('./topology.cjs');

async function main() {
  execFileSync('bash', [join(__dirname, 'stack.sh'), 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stack = readStackEnv();
  const stateDir = join(
    process.env.OPTSCALE_DATA_DIR || join(__dirname, '..', '..', '.optscale'),
    'distributed',
  );
  const topology = await startTopology({
    databaseUrl: process.env.DATABASE_URL || stack.DATABASE_URL,
    kafkaBrokers: process.env.KAFKA_BROKERS || stack.KAFKA_BROKERS,
    clickhouseUrl: process.env.CLICKHOUSE_URL || stack.CLICKHOUSE_URL,
    clickhouseDatabase: process.env.CLICKHOUSE_DATABASE || 'optscale',
    // The gateways' shared budget counters (docs/adr/0008); Redis of the local machine by default.
    redisUrl: process.env.OPTSCALE_REDIS_URL || 'redis://127.0.0.1:6379',
    stateDir,
    bootstrapToken: process.env.OPTSCALE_BOOTSTRAP_TOKEN,
    authEnv: process.env.OPTSCALE_CONFIG ? { OPTSCALE_CONFIG: process.env.OPTSCALE_CONFIG } : {},
  });
  process.stdout.write(
    [
      '',
      'OptScale AI, distributed: every service is ready.',
      ...topology.processes.map((p) => `  ${p.name.padEnd(10)} ${p.url}  (pid ${p.pid})`),
      '',
      `  Admin API: auth ${topology.authUrl}/api/v1 (organizations, users, keys; docs /api/docs)`,
      `             router ${topology.routerUrl}/api/v1 (providers, models, pricing, routing rules; docs /api/docs)`,
      `             policy ${topology.policyUrl}/api/v1 (guardrails, policies, statistics; docs /api/docs)`,
      `             trace-collector ${topology.traceCollectorUrl}/api/v1 (traces; docs /api/docs)`,
      `             cost-aggregator ${topology.costAggregatorUrl}/api/v1 (usage and cost; docs /api/docs)`,
      `  Bootstrap admin token: ${topology.bootstrapToken}`,
      `  KEK and gateway data: ${stateDir}`,
      '',
      `  curl -X POST ${topology.authUrl}/api/v1/organizations -H "Authorization: Bearer ${topology.bootstrapToken}" \\`,
      `       -H 'content-type: application/json' -d '{"name":"Acme","admin":{"email":"you@acme.example","name":"You","password":"change-me-now"}}'`,
      '',
    ].join('\n') + '\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    topology.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`start:distributed failed: ${error.message}\n`);
  process.exit(1);
});
