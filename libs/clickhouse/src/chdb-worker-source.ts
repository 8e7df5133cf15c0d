/**
 * The body of the chDB worker thread, as plain JavaScript source run with `new Worker(…, { eval })`.
 * It is a string rather than a module file because the package runs both from TypeScript sources
 * (Jest) and from dist/, and a Worker can only load JavaScript: a string works from both.
 *
 * Protocol. workerData: { chdbModule, path, connectionArgs }. The worker opens one Session and
 * posts { type: 'ready' } or { type: 'failed', message, code }. Requests are
 * { id, op: 'query' | 'close', database, sql, format }; answers { id, ok: true, text } or
 * { id, ok: false, message, code }. Session.query is synchronous, so the worker handles one
 * request at a time and later ones wait in its message queue: that is the request queue.
 * `database` is switched with USE when it differs from the last one, so handles on different
 * databases can share the engine; '' means "no database" (CREATE DATABASE runs that way).
 */
export const CHDB_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

function describe(error) {
  const message = error && typeof error.message === 'string' ? error.message : String(error);
  const code = error && typeof error.clickhouseCode === 'number' ? error.clickhouseCode : undefined;
  return { message, code };
}

let session;
try {
  const { Session } = require(workerData.chdbModule);
  session = new Session(workerData.path, { connectionArgs: workerData.connectionArgs });
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', ...describe(error) });
}

let currentDatabase = '';
parentPort.on('message', (request) => {
  if (session === undefined) return;
  if (request.op === 'close') {
    session.close();
    parentPort.postMessage({ id: request.id, ok: true, text: '' });
    parentPort.close();
    return;
  }
  try {
    if (request.database !== '' && request.database !== currentDatabase) {
      session.query('USE ' + '\u0060' + request.database + '\u0060');
      currentDatabase = request.database;
    }
    const text = session.query(request.sql, request.format);
    parentPort.postMessage({ id: request.id, ok: true, text: typeof text === 'string' ? text : '' });
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, ...describe(error) });
  }
});
`;
