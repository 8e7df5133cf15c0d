import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isIdentifier } from './binder';
import { CHDB_WORKER_SOURCE } from './chdb-worker-source';
import { parseJsonEachRow, toJsonEachRow } from './json-rows';
import type { ChdbClickHouseConfig, ClickHouse } from './port';
import { ClickHouseError, parseClickHouseException, statementHead } from './port';

/**
 * Settings given at connect (chDB reads them as command-line options): 64-bit integers as JSON
 * strings, like the server adapter asks per request; UTC for every DateTime conversion, so hour
 * buckets and rendered times do not depend on the machine's time zone; and an unknown column in
 * an insert is an error (current releases skip it silently by default, 18.16 refuses it).
 */
const CONNECTION_ARGS = [
  '--output_format_json_quote_64bit_integers=1',
  '--session_timezone=UTC',
  '--input_format_skip_unknown_fields=0',
];

interface WorkerAnswer {
  id: number;
  ok: boolean;
  text?: string;
  message?: string;
  code?: number;
}

interface Pending {
  resolve: (text: string) => void;
  reject: (error: Error) => void;
  statement: string;
}

/**
 * One chDB engine per process (chDB holds one global engine and refuses a second data folder),
 * running in a worker thread so queries never block the event loop. Handles on the same folder
 * share it by reference count; the last close() closes the Session and ends the thread.
 */
class ChdbEngine {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private resolveExited: () => void = () => undefined;
  references = 0;
  readonly ready: Promise<void>;
  readonly exited = new Promise<void>((resolve) => (this.resolveExited = resolve));

  /** `previous` is the shutdown of the engine this one replaces: chDB opens one folder at a time. */
  constructor(
    readonly folder: string,
    previous: Promise<void>,
  ) {
    this.ready = previous.then(() => this.start());
    // A failed open is reported to every caller through `ready`; this keeps it from also being unhandled.
    this.ready.catch(() => undefined);
  }

  private start(): Promise<void> {
    // The addon must also be loaded on the main thread: when the only copy lives in a worker,
    // the worker's exit unloads it and the process crashes (observed with chdb 3.4.0, Node 20).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('chdb');
    const worker = new Worker(CHDB_WORKER_SOURCE, {
      eval: true,
      workerData: { chdbModule: require.resolve('chdb'), path: this.folder, connectionArgs: CONNECTION_ARGS },
    });
    this.worker = worker;
    worker.once('exit', () => {
      this.fail(new ClickHouseError('chDB worker exited', undefined, 'chdb'));
      this.resolveExited();
    });
    worker.on('error', (error) => this.fail(error));
    return new Promise<void>((resolve, reject) => {
      worker.once('message', (message: { type: string; message?: string; code?: number }) => {
        if (message.type === 'ready') {
          worker.on('message', (answer: WorkerAnswer) => this.settle(answer));
          this.updateReference();
          resolve();
        } else {
          reject(new ClickHouseError(message.message ?? 'chDB failed to open', message.code, 'chdb'));
          void worker.terminate();
        }
      });
    });
  }

  async run(database: string, statement: string, format: string): Promise<string> {
    await this.ready;
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, statement });
      this.updateReference();
      this.worker?.postMessage({ id, op: 'query', database, sql: statement, format });
    });
  }

  /** Closes the Session (after every queued request) and waits for the thread to end. */
  async shutdown(): Promise<void> {
    try {
      await this.ready;
    } catch {
      await this.worker?.terminate();
      return;
    }
    if (!this.failure) {
      const id = this.nextId++;
      const closed = new Promise<string>((resolve, reject) =>
        this.pending.set(id, { resolve, reject, statement: 'close' }),
      );
      this.updateReference();
      this.worker?.postMessage({ id, op: 'close' });
      await closed.catch(() => undefined);
    }
    // Keep the process alive until the worker is gone: an unreferenced worker would let the event
    // loop empty while the caller still awaits this (a top-level `await close()` never settling).
    this.worker?.ref();
    await this.exited;
  }

  private settle(answer: WorkerAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    this.updateReference();
    if (answer.ok) {
      pending.resolve(answer.text ?? '');
    } else {
      const parsed = parseClickHouseException(answer.message ?? '');
      const message = parsed.message.replace(/^Query failed: /, '');
      pending.reject(
        new ClickHouseError(message, answer.code ?? parsed.code, 'chdb', statementHead(pending.statement)),
      );
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    const open = engines();
    if (open.get(this.folder) === this) open.delete(this.folder);
  }

  /** An idle engine does not keep the process alive; one with work in flight does. */
  private updateReference(): void {
    if (this.pending.size > 0) this.worker?.ref();
    else this.worker?.unref();
  }
}

/**
 * The per-process registry, on globalThis so two copies of this package in one process still
 * share the engine chDB allows them.
 */
interface EngineRegistry {
  open: Map<string, ChdbEngine>;
  /** The latest shutdown in progress; a new engine starts after it. */
  lastShutdown: Promise<void>;
}

function registry(): EngineRegistry {
  const key = Symbol.for('@optscale/clickhouse/chdb-engines');
  const holder = globalThis as unknown as Record<symbol, EngineRegistry | undefined>;
  return (holder[key] ??= { open: new Map(), lastShutdown: Promise.resolve() });
}

function engines(): Map<string, ChdbEngine> {
  return registry().open;
}

function acquireEngine(folder: string): ChdbEngine {
  const open = engines();
  const existing = open.get(folder);
  if (existing) {
    existing.references += 1;
    return existing;
  }
  const other = [...open.keys()][0];
  if (other !== undefined) {
    throw new ClickHouseError(
      `chDB already runs on ${other} in this process; one data folder per process`,
      undefined,
      'chdb',
    );
  }
  const engine = new ChdbEngine(folder, registry().lastShutdown);
  engine.references = 1;
  open.set(folder, engine);
  return engine;
}

/** The embedded engine: same statements as the server, run by chDB in a worker thread. */
export class ChdbClickHouse implements ClickHouse {
  readonly engine = 'chdb' as const;
  readonly database: string;
  private readonly folder: string;
  private engineHandle: ChdbEngine | undefined;

  constructor(config: Omit<ChdbClickHouseConfig, 'engine'>) {
    if (!isIdentifier(config.database))
      throw new TypeError(`database name ${JSON.stringify(config.database)} is not an identifier`);
    this.database = config.database;
    this.folder = path.resolve(config.path);
    this.engineHandle = acquireEngine(this.folder);
  }

  async exec(statement: string): Promise<void> {
    await this.run(this.database, statement, 'CSV');
  }

  async query<Row = Record<string, unknown>>(statement: string): Promise<Row[]> {
    const text = await this.run(this.database, statement, 'JSONEachRow');
    return parseJsonEachRow<Row>(
      text,
      'chdb',
      (line) => new ClickHouseError(line, undefined, 'chdb', statementHead(statement)),
    );
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (!isIdentifier(table)) throw new TypeError(`table name ${JSON.stringify(table)} is not an identifier`);
    if (rows.length === 0) return;
    await this.run(
      this.database,
      `INSERT INTO \`${this.database}\`.\`${table}\` FORMAT JSONEachRow\n${toJsonEachRow(rows)}`,
      'CSV',
    );
  }

  async createDatabase(): Promise<void> {
    await this.run('', `CREATE DATABASE IF NOT EXISTS \`${this.database}\``, 'CSV');
  }

  async ping(): Promise<void> {
    await this.run('', 'SELECT 1', 'CSV');
  }

  async close(): Promise<void> {
    const engine = this.engineHandle;
    if (!engine) return;
    this.engineHandle = undefined;
    engine.references -= 1;
    if (engine.references > 0) return;
    engines().delete(engine.folder);
    const shutdown = engine.shutdown();
    registry().lastShutdown = shutdown.catch(() => undefined);
    await shutdown;
  }

  private run(database: string, statement: string, format: string): Promise<string> {
    if (!this.engineHandle)
      return Promise.reject(new ClickHouseError('ClickHouse handle is closed', undefined, 'chdb'));
    return this.engineHandle.run(database, statement, format);
  }
}
