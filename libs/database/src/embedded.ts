import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatabaseConnectionOptions } from './data-source';

export interface EmbeddedPostgresOptions {
  /** Folder holding the database files; created if missing, reused on the next start. */
  dataDir: string;
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
}

/** A running embedded Postgres; pass it to `createDataSource` as is. */
export interface EmbeddedPostgres extends Required<Pick<DatabaseConnectionOptions, 'url' | 'poolSize'>> {
  idleTimeoutMs: number;
  port: number;
  /** Stops the socket server and closes PGlite (flushing the data folder). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Postgres in-process: PGlite (Postgres compiled to WASM) with its data in `dataDir`, served on
 * 127.0.0.1 by `PGLiteSocketServer` so that the ordinary `pg` driver, TypeORM, the entities and
 * the migrations work unchanged.
 *
 * PGlite is ONE Postgres session (every socket client sees the same `pg_backend_pid()` and the
 * same session settings); the socket server queues all clients' protocol messages onto it and
 * keeps an open transaction's messages together. More connections add no parallelism, only
 * shared session state, so the returned options ask for a pool of one connection that is never
 * closed for idleness. The server accepts one spare connection so that a reconnect is not refused
 * while the old socket is still being cleaned up. Consequence for callers: inside
 * `dataSource.transaction(...)` use only the transaction's manager; a query through another
 * manager would wait for the single connection forever (on a server it would merely use a second
 * connection).
 *
 * PGlite and its socket server run in a worker thread: the WASM engine's CPU time stays off the
 * caller's event loop, and PGlite's CommonJS build (which loads `fs`, `zlib`... with dynamic
 * `import()`) also works where the caller runs inside a VM context, such as Jest without
 * `--experimental-vm-modules`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const workerData = {
    dataDir,
    port: options.port ?? 0,
    pglite: require.resolve('@electric-sql/pglite'),
    socket: require.resolve('@electric-sql/pglite-socket'),
    postgresqlconf: POSTGRESQL_CONF,
    initOnly: false,
  };
  // Creating a data folder (initdb) peaks near 800 MB and the WASM heap never shrinks; doing it in a
  // worker of its own that then exits leaves the serving worker at its steady size (~180 MB).
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialize({ ...workerData, initOnly: true });
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
  let port: number;
  try {
    port = await waitForReady(worker);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    poolSize: 1,
    idleTimeoutMs: 0,
    port,
    stop: () => {
      stopped ??= new Promise<void>((resolveStop, reject) => {
        worker.once('message', (message: unknown) => {
          if (isMessage(message, 'stopped')) resolveStop();
          else reject(new Error(`embedded Postgres failed to stop cleanly: ${describe(message)}`));
        });
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(new Error(`embedded Postgres exited (code ${code}) before stopping`)),
        );
        worker.postMessage({ type: 'stop' });
      }).finally(() => worker.terminate().then(() => undefined));
      return stopped;
    },
  };
}

/**
 * Postgres settings of the embedded store: it holds configuration (a few MB), so a small buffer
 * cache is plenty, and it keeps the process's memory close to the gateway's own.
 */
const POSTGRESQL_CONF = 'shared_buffers = 16MB\nwork_mem = 4MB\nmaintenance_work_mem = 16MB\n';

/** Creates the data folder in a short-lived worker. */
async function initialize(workerData: Record<string, unknown>): Promise<void> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
  try {
    await new Promise<void>((resolveInit, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`embedded Postgres exited (code ${code}) while creating its data`)),
      );
      worker.once('message', (message: unknown) =>
        isMessage(message, 'initialized')
          ? resolveInit()
          : reject(new Error(`embedded Postgres failed to create its data: ${describe(message)}`)),
      );
    });
  } finally {
    await worker.terminate();
  }
}

/** Resolves with the port once the worker reports `ready`; removes only its own listeners. */
function waitForReady(worker: Worker): Promise<number> {
  return new Promise<number>((resolvePort, reject) => {
    const done = (): void => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      worker.off('message', onMessage);
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`embedded Postgres exited (code ${code}) while starting`));
    };
    const onMessage = (message: unknown): void => {
      done();
      if (isMessage(message, 'ready') && typeof message.port === 'number') resolvePort(message.port);
      else reject(new Error(`embedded Postgres failed to start: ${describe(message)}`));
    };
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.on('message', onMessage);
  });
}

type WorkerMessage = { type: string; port?: unknown; message?: unknown };

function isMessage(value: unknown, type: string): value is WorkerMessage {
  return typeof value === 'object' && value !== null && (value as WorkerMessage).type === type;
}

function describe(message: unknown): string {
  return isMessage(message, 'error') ? String(message.message) : 'unexpected message from the worker';
}

/**
 * The worker: plain CommonJS run with `eval`, so it needs no build step and no transpiler. It
 * loads PGlite from the paths resolved by the caller, serves it on 127.0.0.1, and on `stop`
 * stops the server and closes PGlite, which flushes the data folder.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  const db = await PGlite.create({ dataDir: workerData.dataDir, postgresqlconf: workerData.postgresqlconf });
  if (workerData.initOnly) {
    await db.close();
    parentPort.postMessage({ type: 'initialized' });
    return;
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: workerData.port, maxConnections: 2 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  parentPort.on('message', async (message) => {
    if (!message || message.type !== 'stop') return;
    try {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'stopped' });
    } catch (error) {
      parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
    }
  });
  parentPort.postMessage({ type: 'ready', port: Number(server.getServerConn().split(':').pop()) });
})().catch((error) => parentPort.postMessage({ type: 'error', message: String(error && error.message || error) }));
`;
