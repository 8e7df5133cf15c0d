import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStackEnv, parseEnvFile } from './local-stack-env';

const STACK_ENV = [
  'DATABASE_URL=postgres://postgres@127.0.0.1:5432/optscale',
  'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/optscale_test',
  'CLICKHOUSE_URL=http://127.0.0.1:18123',
  'KAFKA_BROKERS=127.0.0.1:19092',
  '',
].join('\n');

describe('localStackEnv', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stack-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads stack.env from OPTSCALE_STACK_DIR', () => {
    writeFileSync(join(dir, 'stack.env'), STACK_ENV);
    expect(localStackEnv({ env: { OPTSCALE_STACK_DIR: dir } })).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/optscale',
      testDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/optscale_test',
      clickhouseUrl: 'http://127.0.0.1:18123',
      kafkaBrokers: ['127.0.0.1:19092'],
    });
  });

  it('lets the environment override the file, variable by variable', () => {
    writeFileSync(join(dir, 'stack.env'), STACK_ENV);
    const env = localStackEnv({
      stackDir: dir,
      env: { CLICKHOUSE_URL: 'http://127.0.0.1:8123/', KAFKA_BROKERS: 'a:1, b:2' },
    });
    expect(env.clickhouseUrl).toBe('http://127.0.0.1:8123');
    expect(env.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(env.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/optscale');
  });

  it('needs no file when the environment has every variable', () => {
    const env = localStackEnv({
      stackDir: join(dir, 'absent'),
      env: {
        DATABASE_URL: 'postgres://x/optscale',
        TEST_DATABASE_URL: 'postgres://x/optscale_test',
        CLICKHOUSE_URL: 'http://ch',
        KAFKA_BROKERS: 'k:9092',
      },
    });
    expect(env.kafkaBrokers).toEqual(['k:9092']);
  });

  it('tells the developer to start the stack when nothing is there', () => {
    expect(() => localStackEnv({ stackDir: join(dir, 'absent'), env: {} })).toThrow(
      /DATABASE_URL, TEST_DATABASE_URL, CLICKHOUSE_URL, KAFKA_BROKERS not set and .*stack\.env does not exist\. Start it with `bash deploy\/local\/stack\.sh up`/,
    );
  });

  it('names the variables the file lacks', () => {
    writeFileSync(join(dir, 'stack.env'), 'DATABASE_URL=postgres://x\n');
    expect(() => localStackEnv({ stackDir: dir, env: {} })).toThrow(
      /TEST_DATABASE_URL, CLICKHOUSE_URL, KAFKA_BROKERS not set in the environment or/,
    );
  });
});

describe('parseEnvFile', () => {
  it('skips comments and blanks, strips quotes and export', () => {
    expect(parseEnvFile('# c\n\nA=1\nexport B="two words"\nC=\'x=y\'\nnot a pair\n')).toEqual({
      A: '1',
      B: 'two words',
      C: 'x=y',
    });
  });
});
