import { Redis } from 'ioredis';
import type { CounterCheck, CounterRef, CounterStore, ReserveResult } from './counter-store';

/*
 * The counters in Redis, shared by every gateway replica (docs/adr/0008). Each operation is one Lua
 * script, so a reservation checks and counts every limit of a request atomically: no interleaving of
 * two replicas can admit past a limit. Keys of one organization share the hash tag `{<org id>}`
 * (budget-plan.ts), so a script's keys live on one slot of a Redis Cluster too.
 *
 * Lua numbers are doubles: sums and comparisons are exact up to 2^53 nanodollars (about 9 million
 * USD per window), beyond which a comparison may be off by a few nanodollars. The stored values
 * themselves are changed only with INCRBY / HINCRBY / SET of decimal strings, which are exact.
 */

/** Per check: ARGV = kind ("w"|"b"), limit, amount, floor, expireAt ms, bucket start, oldest bucket. */
const ARGS_PER_CHECK = 7;

const RESERVE_SCRIPT = `
local function total(i, base)
  if ARGV[base + 1] == 'w' then
    return tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  local oldest = tonumber(ARGV[base + 7])
  local fields = redis.call('HGETALL', KEYS[i])
  local sum = 0
  for j = 1, #fields, 2 do
    if tonumber(fields[j]) >= oldest then sum = sum + tonumber(fields[j + 1]) end
  end
  return sum
end
for i = 1, #KEYS do
  local base = (i - 1) * ${ARGS_PER_CHECK}
  local current = total(i, base)
  local floor = tonumber(ARGV[base + 4])
  if floor > current then current = floor end
  if current + tonumber(ARGV[base + 3]) > tonumber(ARGV[base + 2]) then
    return {i, string.format('%.0f', current)}
  end
end
for i = 1, #KEYS do
  local base = (i - 1) * ${ARGS_PER_CHECK}
  if ARGV[base + 1] == 'w' then
    local stored = tonumber(redis.call('GET', KEYS[i]) or '0')
    if tonumber(ARGV[base + 4]) > stored then redis.call('SET', KEYS[i], ARGV[base + 4]) end
    redis.call('INCRBY', KEYS[i], ARGV[base + 3])
  else
    redis.call('HINCRBY', KEYS[i], ARGV[base + 6], ARGV[base + 3])
    local oldest = tonumber(ARGV[base + 7])
    for _, field in ipairs(redis.call('HKEYS', KEYS[i])) do
      if tonumber(field) < oldest then redis.call('HDEL', KEYS[i], field) end
    end
  end
  redis.call('PEXPIREAT', KEYS[i], ARGV[base + 5])
end
return {0, ''}
`;

/** Per entry: ARGV = kind, amount, expireAt ms, bucket start. */
const ADD_SCRIPT = `
for i = 1, #KEYS do
  local base = (i - 1) * 4
  if ARGV[base + 1] == 'w' then
    if redis.call('INCRBY', KEYS[i], ARGV[base + 2]) < 0 then redis.call('SET', KEYS[i], '0') end
  else
    if redis.call('HINCRBY', KEYS[i], ARGV[base + 4], ARGV[base + 2]) < 0 then
      redis.call('HSET', KEYS[i], ARGV[base + 4], '0')
    end
  end
  redis.call('PEXPIREAT', KEYS[i], ARGV[base + 3])
end
return 0
`;

const READ_BUCKETS_SCRIPT = `
local sum = 0
local fields = redis.call('HGETALL', KEYS[1])
for j = 1, #fields, 2 do
  if tonumber(fields[j]) >= tonumber(ARGV[1]) then sum = sum + tonumber(fields[j + 1]) end
end
return string.format('%.0f', sum)
`;

export interface RedisCounterStoreOptions {
  /** `redis://host:port/db` */
  url: string;
  /** How long a command may take before the request goes on without it (default 500 ms). */
  commandTimeoutMs?: number;
}

type ReserveReply = [number, string];

export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;
  private lastError: string | null = null;

  constructor(options: RedisCounterStoreOptions) {
    this.redis = new Redis(options.url, {
      // A request never waits for a reconnect: it fails now, and the fail mode decides.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      lazyConnect: true,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.redis.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    this.redis.on('ready', () => {
      this.lastError = null;
    });
  }

  /** Connects, giving up after `timeoutMs` (the client keeps retrying in the background). */
  async connect(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([
        this.redis.connect().catch((e: Error) => void (this.lastError = e.message)),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async reserve(checks: readonly CounterCheck[]): Promise<ReserveResult> {
    if (checks.length === 0) return { admitted: true };
    const keys = checks.map((c) => c.counter.key);
    const args = checks.flatMap((c) => [
      c.counter.kind === 'window' ? 'w' : 'b',
      c.limit.toString(),
      c.amount.toString(),
      c.floor.toString(),
      String(c.counter.expireAtMs),
      c.counter.kind === 'buckets' ? String(c.counter.bucketStartMs) : '0',
      c.counter.kind === 'buckets' ? String(c.counter.oldestBucketMs) : '0',
    ]);
    const [refused, current] = (await this.redis.eval(
      RESERVE_SCRIPT,
      keys.length,
      ...keys,
      ...args,
    )) as ReserveReply;
    if (refused === 0) return { admitted: true };
    return { admitted: false, refused: refused - 1, current: BigInt(current) };
  }

  async add(entries: readonly { counter: CounterRef; amount: bigint }[]): Promise<void> {
    const changing = entries.filter((e) => e.amount !== 0n);
    if (changing.length === 0) return;
    const keys = changing.map((e) => e.counter.key);
    const args = changing.flatMap(({ counter, amount }) => [
      counter.kind === 'window' ? 'w' : 'b',
      amount.toString(),
      String(counter.expireAtMs),
      counter.kind === 'buckets' ? String(counter.bucketStartMs) : '0',
    ]);
    await this.redis.eval(ADD_SCRIPT, keys.length, ...keys, ...args);
  }

  async read(counter: CounterRef): Promise<bigint> {
    if (counter.kind === 'window') return BigInt((await this.redis.get(counter.key)) ?? '0');
    const sum = (await this.redis.eval(
      READ_BUCKETS_SCRIPT,
      1,
      counter.key,
      String(counter.oldestBucketMs),
    )) as string;
    return BigInt(sum);
  }

  health(): { connected: boolean; lastError: string | null } {
    return { connected: this.redis.status === 'ready', lastError: this.lastError };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }
}
