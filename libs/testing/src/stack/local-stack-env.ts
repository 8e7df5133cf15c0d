import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Connection settings of the local real-infrastructure stack (`deploy/local/stack.sh up`). */
export interface LocalStackEnv {
  /** `DATABASE_URL`: Postgres, database `optscale`. */
  databaseUrl: string;
  /** `TEST_DATABASE_URL`: Postgres, database `optscale_test` (what integration tests should use). */
  testDatabaseUrl: string;
  /** `CLICKHOUSE_URL`: ClickHouse HTTP interface, e.g. `http://127.0.0.1:18123`. */
  clickhouseUrl: string;
  /** `KAFKA_BROKERS`, split on commas, e.g. `['127.0.0.1:19092']`. */
  kafkaBrokers: string[];
}

export interface LocalStackEnvOptions {
  /** Where to look for the variables first (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The stack's state folder (default `env.OPTSCALE_STACK_DIR`, else `/tmp/optscale-stack`). */
  stackDir?: string;
}

export const DEFAULT_STACK_DIR = '/tmp/optscale-stack';
const UP_COMMAND = 'bash deploy/local/stack.sh up';

const VARIABLES = {
  databaseUrl: 'DATABASE_URL',
  testDatabaseUrl: 'TEST_DATABASE_URL',
  clickhouseUrl: 'CLICKHOUSE_URL',
  kafkaBrokers: 'KAFKA_BROKERS',
} as const satisfies Record<keyof LocalStackEnv, string>;

/** `KEY=VALUE` lines; blank lines and `#` comments are skipped, one pair of quotes is stripped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line
      .slice(0, eq)
      .replace(/^export\s+/, '')
      .trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
      value = value.slice(1, -1);
    }
    out[key] = value;
  }
  return out;
}

/**
 * The local stack's connection settings, for integration tests. Each variable is taken from the
 * environment when set there, else from `${OPTSCALE_STACK_DIR:-/tmp/optscale-stack}/stack.env`
 * (written by `stack.sh up`). Throws, naming what is missing and how to start the stack, when
 * neither has it. Reads one small file synchronously: call it once per test file, not per request.
 */
export function localStackEnv(options: LocalStackEnvOptions = {}): LocalStackEnv {
  const env = options.env ?? process.env;
  const stackDir = options.stackDir ?? (nonEmpty(env.OPTSCALE_STACK_DIR) || DEFAULT_STACK_DIR);
  const file = join(stackDir, 'stack.env');

  let fromFile: Record<string, string> = {};
  let fileProblem = '';
  try {
    fromFile = parseEnvFile(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fileProblem = code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${String(error)}`;
  }

  const pick = (name: string): string => nonEmpty(env[name]) || nonEmpty(fromFile[name]);
  const values = {
    databaseUrl: pick(VARIABLES.databaseUrl),
    testDatabaseUrl: pick(VARIABLES.testDatabaseUrl),
    clickhouseUrl: pick(VARIABLES.clickhouseUrl),
    kafkaBrokers: pick(VARIABLES.kafkaBrokers),
  };
  const missing = (Object.keys(VARIABLES) as (keyof typeof VARIABLES)[])
    .filter((key) => values[key] === '')
    .map((key) => VARIABLES[key]);
  if (missing.length > 0) {
    throw new Error(
      `The local stack is not available: ${missing.join(', ')} not set` +
        `${fileProblem ? ` and ${fileProblem}` : ` in the environment or ${file}`}. ` +
        `Start it with \`${UP_COMMAND}\` (from the repository root), then run the tests again.`,
    );
  }
  return {
    databaseUrl: values.databaseUrl,
    testDatabaseUrl: values.testDatabaseUrl,
    clickhouseUrl: values.clickhouseUrl.replace(/\/+$/, ''),
    kafkaBrokers: values.kafkaBrokers
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== ''),
  };
}

function nonEmpty(value: string | undefined): string {
  return value?.trim() ?? '';
}
