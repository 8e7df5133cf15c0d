// The mock OpenAI provider (@optscale/testing) in its own process, for `npm run bench`.
// Prints one JSON line {"ready":true,"url":"http://127.0.0.1:PORT/v1"} once it listens.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SCENARIO } from './lib/workload.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modulePath = path.join(root, 'libs/testing/dist/index.js');
const testing = await import(pathToFileURL(modulePath).href);
const startMockProvider = testing.startMockProvider ?? testing.default?.startMockProvider;
if (typeof startMockProvider !== 'function') {
  process.stderr.write(`startMockProvider is not exported by ${modulePath}\n`);
  process.exit(2);
}

const mock = await startMockProvider('openai', {
  host: '127.0.0.1',
  port: 0,
  models: ['gpt-4.1'],
  record: false,
});
mock.setDefault(SCENARIO);
process.stdout.write(JSON.stringify({ ready: true, url: mock.url, port: mock.port }) + '\n');

const stop = () => {
  setTimeout(() => process.exit(0), 2000).unref();
  mock.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
