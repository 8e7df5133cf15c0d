// Starts the peer, Portkey's open-source gateway (bench/peer/node_modules/@portkey-ai/gateway), on
// loopback. Its start-server.js calls `serve({ fetch, port })` from @hono/node-server, which ends in
// `server.listen(port, undefined)`: every interface, with no option or variable to choose one. So
// this launcher, in the same process, makes a listen() without a host bind to 127.0.0.1, then loads
// Portkey's own entry point unchanged. Usage: node bench/peer-server.mjs <port>
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.argv[2]);
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (args[1] === undefined || args[1] === null) args[1] = '127.0.0.1';
    else if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  } else if (
    args[0] &&
    typeof args[0] === 'object' &&
    args[0].port !== undefined &&
    !args[0].host &&
    !args[0].path
  ) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return originalListen.apply(this, args);
};
process.argv = [process.argv[0], 'start-server.js', `--port=${port}`, '--headless'];
await import(
  pathToFileURL(path.join(here, 'peer/node_modules/@portkey-ai/gateway/build/start-server.js')).href
);
