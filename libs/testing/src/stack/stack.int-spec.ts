/**
 * The local real-infrastructure stack answers for real: Postgres, ClickHouse 18.16, Kafka (KRaft).
 * Needs `bash deploy/local/stack.sh up` first; fails (never skips) when the stack is not there.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { eventually } from '../eventually';
import { localStackEnv } from './local-stack-env';

const stack = localStackEnv();
const suffix = randomUUID().replace(/-/g, '').slice(0, 12);

describe('local stack', () => {
  it('Postgres: creates, writes and reads a temp table', async () => {
    const client = new Client({ connectionString: stack.testDatabaseUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query('create temp table stack_check (id int primary key, name text not null)');
      await client.query('insert into stack_check (id, name) values ($1, $2), ($3, $4)', [
        1,
        'one',
        2,
        'two',
      ]);
      const { rows } = await client.query<{ id: number; name: string }>(
        'select id, name from stack_check order by id',
      );
      expect(rows).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
      const db = await client.query<{ db: string }>('select current_database() as db');
      expect(db.rows[0]?.db).toBe('optscale_test');
    } finally {
      await client.end();
    }
  });

  it('ClickHouse: MergeTree table in the portable (18.16) dialect, insert, select, drop', async () => {
    const table = `stack_check_${suffix}`;
    const query = async (sql: string): Promise<string> => {
      const res = await fetch(`${stack.clickhouseUrl}/`, {
        method: 'POST',
        body: sql,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.trim()} (query: ${sql.slice(0, 120)})`);
      return text;
    };

    await query(
      `CREATE TABLE ${table} (day Date, ts DateTime, ts_ms UInt16, org String, tokens UInt32)
       ENGINE = MergeTree() PARTITION BY toYYYYMM(day) ORDER BY (org, ts)`,
    );
    try {
      const rows = [
        { day: '2025-01-02', ts: '2025-01-02 10:00:00', ts_ms: 120, org: 'org-a', tokens: 10 },
        { day: '2025-01-02', ts: '2025-01-02 10:30:00', ts_ms: 5, org: 'org-a', tokens: 32 },
        { day: '2025-01-02', ts: '2025-01-02 11:15:00', ts_ms: 999, org: 'org-b', tokens: 7 },
      ];
      await query(
        `INSERT INTO ${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`,
      );

      const out = await query(
        `SELECT org, toStartOfHour(ts) AS hour, sum(tokens) AS tokens, toUInt32(count()) AS requests
         FROM ${table} GROUP BY org, hour ORDER BY org, hour FORMAT JSONEachRow`,
      );
      const result: unknown[] = out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
      expect(result).toEqual([
        { org: 'org-a', hour: '2025-01-02 10:00:00', tokens: '42', requests: 2 },
        { org: 'org-b', hour: '2025-01-02 11:00:00', tokens: '7', requests: 1 },
      ]);
    } finally {
      await query(`DROP TABLE IF EXISTS ${table}`);
    }
    expect((await query(`EXISTS TABLE ${table}`)).trim()).toBe('0');
  });

  it('Kafka: creates a topic, produces, and consumes the message back', async () => {
    const kafka = new Kafka({
      clientId: 'stack-int-spec',
      brokers: stack.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
    });
    const topic = `optscale.stack-check.${suffix}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    // A short long-poll: disconnect() waits for the fetch in flight (default up to 5 s).
    const consumer = kafka.consumer({ groupId: `stack-check-${suffix}`, maxWaitTimeInMs: 100 });
    const received: { key: string; value: string; traceparent: string }[] = [];
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await producer.send({
        topic,
        messages: [{ key: 'org-1', value: JSON.stringify({ hello: suffix }), headers: { traceparent } }],
      });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          received.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            traceparent: message.headers?.traceparent?.toString() ?? '',
          });
          return Promise.resolve();
        },
      });
      await eventually(
        () => expect(received).toEqual([{ key: 'org-1', value: `{"hello":"${suffix}"}`, traceparent }]),
        {
          timeoutMs: 20_000,
          intervalMs: 50,
        },
      );
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
