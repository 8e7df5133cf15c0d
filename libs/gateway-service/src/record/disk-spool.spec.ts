import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskSpool, parseSegment } from './disk-spool';

interface Item {
  n: number;
  pad?: string;
}

const items = (from: number, to: number, pad = ''): Item[] =>
  Array.from({ length: to - from }, (_, i) => ({ n: from + i, pad }));

/** Reads the whole spool in order, acknowledging as it goes. */
async function drainAll(spool: DiskSpool<Item>, batch = 7): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    const records = await spool.peek(batch);
    if (records.length === 0) return seen;
    seen.push(...records.map((r) => r.n));
    await spool.ack(records.length);
  }
}

const segmentFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('segment-'));

describe('DiskSpool', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'optscale-spool-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands records back in the order they were appended, across segments', async () => {
    const spool = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20, segmentBytes: 200 });
    expect(await spool.append(items(0, 30))).toBe(30);
    expect(await spool.append(items(30, 45))).toBe(15);
    expect(spool.stats()).toMatchObject({ events: 45, dropped: 0, torn: 0 });
    expect(segmentFiles(dir).length).toBeGreaterThan(3);
    expect(await drainAll(spool)).toEqual(items(0, 45).map((i) => i.n));
    expect(spool.stats()).toMatchObject({ events: 0, bytes: 0, segments: 0 });
    expect(segmentFiles(dir)).toEqual([]);
  });

  it('deletes a segment only once every record in it was acknowledged', async () => {
    const spool = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20 });
    await spool.append(items(0, 10));
    const first = await spool.peek(4);
    expect(first.map((r) => r.n)).toEqual([0, 1, 2, 3]);
    await spool.ack(4);
    expect(segmentFiles(dir)).toHaveLength(1);
    // Not acknowledged: the same records again.
    expect((await spool.peek(3)).map((r) => r.n)).toEqual([4, 5, 6]);
    expect((await spool.peek(3)).map((r) => r.n)).toEqual([4, 5, 6]);
    await spool.ack(6);
    expect(segmentFiles(dir)).toEqual([]);
  });

  it('appends arriving during a replay come after it', async () => {
    const spool = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20 });
    await spool.append(items(0, 5));
    const head = await spool.peek(100);
    await spool.append(items(5, 8));
    await spool.ack(head.length);
    expect(await drainAll(spool)).toEqual([5, 6, 7]);
  });

  it('puts a prepended batch before everything spooled', async () => {
    const spool = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20, segmentBytes: 100 });
    await spool.append(items(10, 20));
    await spool.prepend(items(0, 10));
    expect(await drainAll(spool, 4)).toEqual(items(0, 20).map((i) => i.n));
  });

  it('survives a restart: leftover segments replay first, acknowledged records do not', async () => {
    const first = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20, segmentBytes: 150 });
    await first.append(items(0, 20));
    await first.peek(3);
    await first.ack(3);
    await first.close();

    const second = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20, segmentBytes: 150 });
    expect(second.stats().events).toBe(17);
    await second.append(items(20, 25));
    expect(await drainAll(second)).toEqual(items(3, 25).map((i) => i.n));
  });

  it('skips and counts the torn last line a crash left, and keeps every complete record', async () => {
    const first = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20 });
    await first.append(items(0, 5));
    await first.close();
    const [file] = segmentFiles(dir);
    appendFileSync(join(dir, file as string), '{"n":5,"pad":"cut in the mid');
    // A cursor torn the same way is ignored: the head replays from its start.
    writeFileSync(join(dir, 'cursor.json.tmp'), '{"seq":');

    const second = await DiskSpool.open<Item>({ dir, maxBytes: 1 << 20 });
    expect(second.stats()).toMatchObject({ events: 5, torn: 1 });
    await second.append(items(6, 8));
    expect(await drainAll(second)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is bounded by bytes: the newest records that do not fit are dropped and counted', async () => {
    const line = Buffer.byteLength(JSON.stringify({ n: 10, pad: 'x'.repeat(80) }) + '\n');
    const spool = await DiskSpool.open<Item>({ dir, maxBytes: line * 10 + 5, segmentBytes: line * 3 });
    expect(await spool.append(items(10, 16, 'x'.repeat(80)))).toBe(6);
    expect(await spool.append(items(16, 22, 'x'.repeat(80)))).toBe(4);
    const stats = spool.stats();
    expect(stats).toMatchObject({ events: 10, dropped: 2 });
    expect(stats.bytes).toBeLessThanOrEqual(line * 10 + 5);
    expect(await drainAll(spool)).toEqual(items(10, 20).map((i) => i.n));
    // Room again once replayed.
    expect(await spool.append(items(22, 24, 'x'.repeat(80)))).toBe(2);
  });
});

describe('parseSegment', () => {
  it('keeps complete JSON lines and counts the rest as torn', () => {
    const parsed = parseSegment(Buffer.from('{"a":1}\nnot json\n{"a":2}\n{"a":'));
    expect(parsed.lines.map((l) => l.text)).toEqual(['{"a":1}', '{"a":2}']);
    expect(parsed.torn).toBe(2);
  });
});
