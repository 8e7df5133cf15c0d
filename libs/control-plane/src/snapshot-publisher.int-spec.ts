/**
 * The publisher against the real Kafka and Postgres: it reads the topic back, so a restart after
 * changes made while it was down (rows deleted, rows edited) publishes exactly the difference,
 * tombstones included, and a sync after a change publishes only what changed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { KafkaBus, type Bus, type BusMessage } from '@optscale/bus';
import {
  Organization,
  Provider,
  createDataSource,
  createKek,
  createKeyring,
  credentialColumns,
  encryptSecret,
  migrate,
} from '@optscale/database';
import { createScratchDatabase, eventually, localStackEnv, type ScratchDatabase } from '@optscale/testing';
import { SnapshotPublisher } from './snapshot-publisher';
import { providersSource } from './sources';

const { kafkaBrokers } = localStackEnv();
const topicPrefix = `test.${randomUUID().slice(0, 8)}.`;
const kafkaBus = (): KafkaBus =>
  new KafkaBus({
    brokers: kafkaBrokers,
    clientId: 'publisher-int-spec',
    topicPrefix,
    maxWaitTimeMs: 100,
    logLevel: logLevel.ERROR,
  });

describe('SnapshotPublisher on Kafka', () => {
  let db: ScratchDatabase;
  let dataSource: DataSource;
  let org: Organization;
  const keyring = createKeyring(createKek(randomBytes(32), 'k1'));
  const buses: Bus[] = [];

  beforeAll(async () => {
    db = await createScratchDatabase('publisher');
    dataSource = createDataSource({ url: db.url, poolSize: 2 });
    await dataSource.initialize();
    await migrate(dataSource);
    org = await dataSource.getRepository(Organization).save({ name: 'Org', currency: 'USD' });
  });

  afterAll(async () => {
    for (const bus of buses) await bus.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  const provider = (proxyName: string) =>
    dataSource.getRepository(Provider).save({
      organizationId: org.id,
      name: proxyName,
      proxyName,
      apiType: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      ...credentialColumns(encryptSecret(`sk-${proxyName}`, keyring.current)),
    });

  /** Every message of the topic from the beginning, as a reader sees it. */
  async function readTopic(): Promise<BusMessage<'optscale.config.providers.v1'>[]> {
    const bus = kafkaBus();
    buses.push(bus);
    const seen: BusMessage<'optscale.config.providers.v1'>[] = [];
    const sub = await bus.subscribe('optscale.config.providers.v1', (m) => void seen.push(m), {
      onInvalid: () => undefined,
    });
    await sub.caughtUp();
    await sub.close();
    return seen;
  }

  it('publishes in full at start, only differences on sync, and reconciles after downtime', async () => {
    const a = await provider('alpha');
    const b = await provider('beta');
    const first = kafkaBus();
    buses.push(first);
    const publisher = new SnapshotPublisher(first, dataSource, providersSource, { log: () => undefined });
    await publisher.start();
    expect((await readTopic()).map((m) => m.key).sort()).toEqual([`${org.id}/alpha`, `${org.id}/beta`]);

    // A change: only that provider is republished.
    await dataSource.getRepository(Provider).update(a.id, { status: 'inactive' });
    await publisher.sync(org.id);
    const afterChange = await readTopic();
    expect(afterChange).toHaveLength(3);
    expect(afterChange[2]).toMatchObject({ key: `${org.id}/alpha`, value: { status: 'inactive' } });
    await publisher.close();

    // While no publisher runs: beta is deleted, a new one appears.
    await dataSource.getRepository(Provider).delete(b.id);
    await provider('gamma');
    const second = kafkaBus();
    buses.push(second);
    const restarted = new SnapshotPublisher(second, dataSource, providersSource, { log: () => undefined });
    await restarted.start();
    await eventually(async () => {
      const tail = (await readTopic()).slice(3);
      expect(tail.map((m) => [m.key, m.value === null ? null : m.value.status]).sort()).toEqual([
        [`${org.id}/beta`, null],
        [`${org.id}/gamma`, 'active'],
      ]);
    });
    expect(restarted.check()).toMatchObject({ ready: true, degraded: false });
    await restarted.close();
  });
});
