// A trace collector in a child process that SIGKILLs itself right after its first insert was
// accepted by ClickHouse, before the batch's offsets are committed: the crash window that
// redelivery plus the request-id check must cover. Runs the BUILT libraries (dist/).
'use strict';
const { KafkaBus } = require('@optscale/bus');
const { createClickHouse } = require('@optscale/clickhouse');
const { TraceCollector } = require('@optscale/trace-service');

const env = process.env;
const store = createClickHouse({ engine: 'server', url: env.CH_URL, database: env.CH_DATABASE });
const dyingStore = {
  engine: store.engine,
  exec: (sql) => store.exec(sql),
  query: (sql) => store.query(sql),
  ping: () => store.ping(),
  close: () => store.close(),
  insert: async (table, rows) => {
    await store.insert(table, rows);
    process.stdout.write(`inserted ${rows.length}\n`, () => process.kill(process.pid, 'SIGKILL'));
    await new Promise(() => undefined);
  },
};
const bus = new KafkaBus({
  brokers: env.KAFKA_BROKERS.split(','),
  clientId: 'collector-child',
  topicPrefix: env.TOPIC_PREFIX,
  sessionTimeoutMs: 6000,
  rebalanceTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 100,
});
new TraceCollector(bus, dyingStore, { maxBatchSize: Number(env.MAX_BATCH), log: () => undefined })
  .start()
  .then(() => process.stdout.write('started\n'))
  .catch((error) => {
    process.stderr.write(`child failed: ${error.message}\n`);
    process.exit(1);
  });
