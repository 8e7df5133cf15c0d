// The floor: a bare Node pass-through proxy (no parsing, no auth, no translation). Nothing written
// in Node can add less than this, so the gateway's added latency is reported as a multiple of it.
// Usage: node bench/floor-proxy.mjs <upstream origin, e.g. http://127.0.0.1:4010>
import http from 'node:http';

const upstream = new URL(process.argv[2] ?? process.env.UPSTREAM);
const agent = new http.Agent({ keepAlive: true });
const server = http.createServer((req, res) => {
  const up = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    },
  );
  up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
  req.pipe(up);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    JSON.stringify({ ready: true, url: `http://127.0.0.1:${server.address().port}` }) + '\n',
  );
});
process.on('SIGTERM', () => process.exit(0));
