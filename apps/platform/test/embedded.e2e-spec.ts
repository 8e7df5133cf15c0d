/**
 * The embedded default as a newcomer runs it (`node apps/platform/dist/main.js`, what `npm start`
 * starts after building): first start on an empty data folder creates an organization, an admin and a
 * key and prints them; the admin logs in and creates a key through the admin API; the gateway in the
 * same process accepts it at once; after a restart everything is still there and nothing is printed
 * twice. Needs the build (npm test builds before Jest).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@optscale/testing';
import { freePort, startPlatform, stop, type Started } from './support/platform';

describe('embedded platform (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'optscale-embedded-'));
  let running: Started | undefined;
  afterAll(async () => {
    await stop(running);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the first organization, serves admin API and gateway in one process, and survives a restart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    running = await startPlatform(dataDir, port);
    const first = running.output();
    const orgId = /Organization "[^"]+" \(([0-9a-f-]{36})\)/.exec(first)?.[1];
    const demoKey = /Virtual key: +(\S+)/.exec(first)?.[1];
    const login = /"email":"([^"]+)","password":"([^"]+)"/.exec(first);
    expect(orgId && demoKey && login).toBeTruthy();

    const models = await fetch(`${base}/llm_proxy/${orgId}/v1/models`, {
      headers: { authorization: `Bearer ${demoKey}` },
    });
    expect(models.status).toBe(200);

    const session = (await (
      await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: login?.[1], password: login?.[2] }),
      })
    ).json()) as { token: string };
    const created = await fetch(`${base}/api/v1/organizations/${orgId}/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'laptop' }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    await eventually(async () => {
      const res = await fetch(`${base}/llm_proxy/${orgId}/v1/models`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
    });

    await stop(running);
    running = await startPlatform(dataDir, port);
    expect(running.output()).not.toContain('First start');
    expect(running.output()).toContain(orgId);
    for (const k of [demoKey, key]) {
      const res = await fetch(`${base}/llm_proxy/${orgId}/v1/models`, {
        headers: { authorization: `Bearer ${k}` },
      });
      expect(res.status).toBe(200);
    }
    const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${session.token}` } });
    expect(me.status).toBe(200);
  }, 120_000);
});
