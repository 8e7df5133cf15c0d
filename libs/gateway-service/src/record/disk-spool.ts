import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskSpoolOptions {
  /** The spool's folder (created if missing); one process per folder. */
  dir: string;
  /** Bound on the bytes of all segments; what does not fit is dropped (newest first) and counted. */
  maxBytes: number;
  /** A segment is sealed and a new one started past this size (default 4 MiB, at most `maxBytes`). */
  segmentBytes?: number;
}

export interface SpoolStats {
  /** Bytes of the segment files (a partly replayed head segment counts whole until it is deleted). */
  bytes: number;
  /** Records written and not yet acknowledged. */
  events: number;
  /** Records refused because the spool was full (since start). */
  dropped: number;
  /** Unreadable lines skipped while reading segments: the torn last line of a crash (since start). */
  torn: number;
  segments: number;
}

interface Segment {
  seq: number;
  path: string;
  bytes: number;
  /** Readable records in the file (appended ones included). */
  records: number;
}

interface LoadedHead {
  seq: number;
  lines: { text: string; bytes: number }[];
}

const SEGMENT_NAME = /^segment-(\d{16})\.ndjson$/;
/** Sequence numbers have 16 digits and start mid-range, so `prepend` can always go below the head. */
const FIRST_SEQ = 5_000_000_000_000_000;
const CURSOR_FILE = 'cursor.json';
const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * A bounded, durable FIFO of JSON records in a folder: the gateway's request events while Kafka is
 * unreachable (see `BusEventSink`).
 *
 * Format: append-only segment files `segment-<16 digit seq>.ndjson`, one JSON record per line,
 * replayed in sequence order. A process never appends to a segment it did not create, so the torn
 * last line a crash may leave stays alone at the end of its file: reading skips every line that is
 * not complete JSON and counts it (`torn`).
 *
 * Acknowledgement: `peek` hands out records from the head segment, `ack` moves past them. The head's
 * position is kept in `cursor.json` (replaced atomically by rename), so a restart does not replay
 * what was acknowledged; a segment file is deleted only once every record in it was acknowledged.
 *
 * fsync policy: appends are written to the file without fsync (a crashed process loses nothing, the
 * kernel has the bytes; a power loss can lose the unsynced tail, at most one open segment); a
 * segment is fsynced when it is sealed, and a prepended segment before it is renamed into place.
 * The cursor is not fsynced: after a power loss a few acknowledged records may be sent again
 * (consumers deduplicate by request id).
 *
 * Calls are serialized internally, so the sink may append while a replay is in flight.
 */
export class DiskSpool<T> {
  private readonly segments: Segment[] = [];
  private writer: { segment: Segment; handle: FileHandle } | undefined;
  private head: LoadedHead | undefined;
  private cursor: { seq: number; acked: number } | undefined;
  private dropped = 0;
  private torn = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly segmentBytes: number;

  private constructor(private readonly options: DiskSpoolOptions) {
    this.segmentBytes = Math.min(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, options.maxBytes);
  }

  /** Opens the folder and takes stock of the segments a previous process left (replayed first). */
  static async open<T>(options: DiskSpoolOptions): Promise<DiskSpool<T>> {
    const spool = new DiskSpool<T>(options);
    await spool.load();
    return spool;
  }

  stats(): SpoolStats {
    const acked =
      this.cursor !== undefined && this.cursor.seq === this.segments[0]?.seq ? this.cursor.acked : 0;
    return {
      bytes: this.segments.reduce((sum, s) => sum + s.bytes, 0),
      events: this.segments.reduce((sum, s) => sum + s.records, 0) - acked,
      dropped: this.dropped,
      torn: this.torn,
      segments: this.segments.length,
    };
  }

  /** True when no record waits (cheap: no I/O). */
  isEmpty(): boolean {
    return this.stats().events <= 0;
  }

  /**
   * Appends records after every other, in order. Those that would pass `maxBytes` are dropped,
   * with every record after them in the call (the newest go first). Resolves with how many were kept.
   */
  append(records: readonly T[]): Promise<number> {
    return this.serialized(async () => {
      let budget = this.options.maxBytes - this.stats().bytes;
      let kept = 0;
      let pending: string[] = [];
      let pendingBytes = 0;
      for (const record of records) {
        const line = JSON.stringify(record) + '\n';
        const bytes = Buffer.byteLength(line);
        if (bytes > budget) break;
        budget -= bytes;
        const filled = (this.writer?.segment.bytes ?? 0) + pendingBytes;
        if (this.writer === undefined || (filled > 0 && filled + bytes > this.segmentBytes)) {
          if (pending.length > 0) await this.writePending(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await this.roll();
        }
        pending.push(line);
        pendingBytes += bytes;
        kept += 1;
      }
      if (pending.length > 0) await this.writePending(pending, pendingBytes);
      this.dropped += records.length - kept;
      return kept;
    });
  }

  /**
   * Puts records before every other (a batch that was taken from memory and failed while newer
   * records were already spooled), as a segment of its own. Not bounded by `maxBytes`: it is at
   * most one batch, and dropping it would lose the oldest events.
   */
  prepend(records: readonly T[]): Promise<void> {
    return this.serialized(async () => {
      if (records.length === 0) return;
      const seq = (this.segments[0]?.seq ?? FIRST_SEQ) - 1;
      const path = this.segmentPath(seq);
      const text = records.map((r) => JSON.stringify(r) + '\n').join('');
      const tmp = `${path}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
      this.segments.unshift({ seq, path, bytes: Buffer.byteLength(text), records: records.length });
      this.head = undefined;
    });
  }

  /**
   * The oldest records not yet acknowledged, at most `max` of them and about `maxBytes` (at least
   * one), all from one segment. Empty when the spool is.
   */
  peek(max: number, maxBytes = Infinity): Promise<T[]> {
    return this.serialized(async () => {
      for (;;) {
        const segment = this.segments[0];
        if (segment === undefined) return [];
        if (this.writer?.segment === segment) await this.seal();
        const head = await this.loadHead(segment);
        const acked = this.ackedOf(segment);
        if (acked >= head.lines.length) {
          await this.dropHead();
          continue;
        }
        const out: T[] = [];
        let bytes = 0;
        for (let i = acked; i < head.lines.length && out.length < max; i++) {
          const line = head.lines[i] as { text: string; bytes: number };
          if (out.length > 0 && bytes + line.bytes > maxBytes) break;
          bytes += line.bytes;
          out.push(JSON.parse(line.text) as T);
        }
        return out;
      }
    });
  }

  /** Acknowledges the first `count` records `peek` returned; deletes the head segment once all are. */
  ack(count: number): Promise<void> {
    return this.serialized(async () => {
      const segment = this.segments[0];
      if (segment === undefined || count <= 0) return;
      const acked = this.ackedOf(segment) + count;
      if (acked >= segment.records) {
        await this.dropHead();
        return;
      }
      this.cursor = { seq: segment.seq, acked };
      const path = join(this.options.dir, CURSOR_FILE);
      await writeFile(`${path}.tmp`, JSON.stringify(this.cursor));
      await rename(`${path}.tmp`, path);
    });
  }

  /** Seals the open segment (fsync); the spool stays usable. */
  close(): Promise<void> {
    return this.serialized(() => this.seal());
  }

  private async load(): Promise<void> {
    const dir = this.options.dir;
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      // A prepend or cursor write the crash interrupted: its rename never happened.
      if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
    }
    for (const name of names) {
      const match = SEGMENT_NAME.exec(name);
      if (match === null) continue;
      const path = join(dir, name);
      const { lines, torn, bytes } = parseSegment(await readFile(path));
      this.torn += torn;
      this.segments.push({ seq: Number(match[1]), path, bytes, records: lines.length });
    }
    this.segments.sort((a, b) => a.seq - b.seq);
    try {
      const cursor = JSON.parse(await readFile(join(dir, CURSOR_FILE), 'utf8')) as {
        seq?: unknown;
        acked?: unknown;
      };
      if (typeof cursor.seq === 'number' && typeof cursor.acked === 'number')
        this.cursor = { seq: cursor.seq, acked: cursor.acked };
    } catch {
      // No cursor (or a torn one): the head segment is replayed from its start.
    }
  }

  private ackedOf(segment: Segment): number {
    return this.cursor?.seq === segment.seq ? this.cursor.acked : 0;
  }

  private async loadHead(segment: Segment): Promise<LoadedHead> {
    if (this.head?.seq === segment.seq) return this.head;
    const { lines } = parseSegment(await readFile(segment.path));
    // The stock taken at open counted torn lines already; appended segments have none.
    segment.records = lines.length;
    this.head = { seq: segment.seq, lines };
    return this.head;
  }

  private async dropHead(): Promise<void> {
    const segment = this.segments.shift();
    if (segment === undefined) return;
    this.head = undefined;
    await rm(segment.path, { force: true });
    if (this.cursor?.seq === segment.seq) {
      this.cursor = undefined;
      await rm(join(this.options.dir, CURSOR_FILE), { force: true });
    }
  }

  /** Seals the open segment and starts a new one after the last. */
  private async roll(): Promise<void> {
    await this.seal();
    const seq = (this.segments[this.segments.length - 1]?.seq ?? FIRST_SEQ - 1) + 1;
    const segment: Segment = { seq, path: this.segmentPath(seq), bytes: 0, records: 0 };
    const handle = await open(segment.path, 'a');
    this.segments.push(segment);
    this.writer = { segment, handle };
  }

  private async writePending(lines: string[], bytes: number): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) throw new Error('no open segment'); // unreachable: opened before pending
    await writer.handle.write(lines.join(''));
    writer.segment.bytes += bytes;
    writer.segment.records += lines.length;
  }

  private async seal(): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return;
    this.writer = undefined;
    try {
      await writer.handle.sync();
    } finally {
      await writer.handle.close();
    }
  }

  private segmentPath(seq: number): string {
    return join(this.options.dir, `segment-${String(seq).padStart(16, '0')}.ndjson`);
  }

  private serialized<R>(work: () => Promise<R>): Promise<R> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** The complete JSON lines of a segment; anything else (a torn tail, garbage) is skipped and counted. */
export function parseSegment(buffer: Buffer): {
  lines: { text: string; bytes: number }[];
  torn: number;
  bytes: number;
} {
  const lines: { text: string; bytes: number }[] = [];
  let torn = 0;
  let start = 0;
  for (;;) {
    const end = buffer.indexOf(0x0a, start);
    if (end === -1) break;
    const text = buffer.toString('utf8', start, end);
    if (isJson(text)) lines.push({ text, bytes: end + 1 - start });
    else if (text.length > 0) torn += 1;
    start = end + 1;
  }
  if (start < buffer.length) torn += 1; // the last line never got its newline: a torn write
  return { lines, torn, bytes: buffer.length };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
