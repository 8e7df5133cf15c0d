import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from '@optscale/testing';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

export interface Started {
  child: ChildProcess;
  output: () => string;
}

export async function startPlatform(dataDir: string, port: number): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, OPTSCALE_DATA_DIR: dataDir, PORT: String(port), OPTSCALE_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`platform exited: ${text}`);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(text).toContain('Organization "');
    },
    { timeoutMs: 45_000, intervalMs: 100 },
  );
  return { child, output: () => text };
}

export async function stop(started: Started | undefined): Promise<void> {
  const child = started?.child;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
