import { readFileSync } from 'node:fs';
import { createKek, createKeyring, type Kek, type Keyring } from './envelope';

export type Env = Readonly<Record<string, string | undefined>>;

export interface KeyringSources {
  env: Env;
  /** Reads a mounted secret file; injectable for tests. */
  readFile?: (path: string) => string;
}

/**
 * The keyring from the environment (STYLE.md 4: every secret also as a `*_FILE` path):
 *
 * - `OPTSCALE_KEK` or `OPTSCALE_KEK_FILE` (exactly one): the current key, 32 bytes in base64.
 * - `OPTSCALE_KEK_ID` (optional): its id; default a fingerprint of the key.
 * - `OPTSCALE_KEK_PREVIOUS` or `OPTSCALE_KEK_PREVIOUS_FILE` (optional): retired keys still needed
 *   to decrypt, base64, separated by commas or new lines, each optionally `id:base64`.
 *
 * Errors name the variable, never its value.
 */
export function keyringFromEnv({ env, readFile = (p) => readFileSync(p, 'utf8') }: KeyringSources): Keyring {
  const current = readSetting(env, 'OPTSCALE_KEK', readFile);
  if (!current) throw new Error('OPTSCALE_KEK or OPTSCALE_KEK_FILE must be set (32 random bytes, base64)');
  const kek = parseKey(current.value, current.variable, env['OPTSCALE_KEK_ID']?.trim() || undefined);
  const previous: Kek[] = [];
  const retired = readSetting(env, 'OPTSCALE_KEK_PREVIOUS', readFile);
  for (const item of retired?.value.split(/[,\n]/) ?? []) {
    const entry = item.trim();
    if (!entry || !retired) continue;
    const colon = entry.indexOf(':');
    previous.push(
      colon > 0
        ? parseKey(entry.slice(colon + 1), retired.variable, entry.slice(0, colon))
        : parseKey(entry, retired.variable),
    );
  }
  return createKeyring(kek, previous);
}

/** A setting's text and the variable it came from (for error messages). */
interface Setting {
  value: string;
  variable: string;
}

function readSetting(env: Env, name: string, readFile: (path: string) => string): Setting | undefined {
  const direct = env[name]?.trim();
  const file = env[`${name}_FILE`]?.trim();
  if (direct && file) throw new Error(`set only one of ${name} and ${name}_FILE`);
  if (direct) return { value: direct, variable: name };
  if (!file) return undefined;
  try {
    return { value: readFile(file), variable: `${name}_FILE` };
  } catch {
    throw new Error(`${name}_FILE: cannot read the file it names`);
  }
}

function parseKey(base64: string, variable: string, id?: string): Kek {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new Error(`${variable}: not base64`);
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${variable}: a key must decode to 32 bytes, got ${key.length}`);
  return createKek(key, id);
}
