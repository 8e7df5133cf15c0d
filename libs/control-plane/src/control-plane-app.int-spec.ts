import { Controller, Module } from '@nestjs/common';
import { z } from 'zod';
import type { DataSource } from 'typeorm';
import {
  CurrentActor,
  Endpoint,
  Input,
  defineRoute,
  newSessionToken,
  organizationParams,
  sha256Tag,
  type Actor,
  type RouteInput,
} from '@optscale/admin-api';
import { InProcessBus } from '@optscale/bus';
import { Organization, Session, User, createDataSource, migrate } from '@optscale/database';
import { createScratchDatabase, type ScratchDatabase } from '@optscale/testing';
import { METRIC_NAMES } from '@optscale/telemetry';
import { startControlPlaneApp, type RunningControlPlane } from './control-plane-app';
import type { ServiceUnit } from './service-unit';

/*
 * The admin API's cross-cutting behaviour, through a real server on a real Postgres: the global
 * guard (every route declares its access; sessions, roles, organizations), problem JSON for every
 * kind of bad request, the OpenAPI document, and the probes.
 */

const echoRoute = defineRoute({
  method: 'POST',
  path: '/organizations/:organizationId/echo',
  summary: 'Echo a thing (test)',
  tag: 'Test',
  access: 'manager',
  params: organizationParams,
  body: z.object({ name: z.string().min(1), count: z.number().int().positive() }),
  response: z.object({ name: z.string(), actor: z.string() }),
  status: 201,
});
const installationRoute = defineRoute({
  method: 'GET',
  path: '/installation-only',
  summary: 'Installation only (test)',
  tag: 'Test',
  access: 'installation',
});

@Controller()
class EchoController {
  @Endpoint(echoRoute)
  echo(@Input() input: RouteInput<typeof echoRoute>, @CurrentActor() actor: Actor): unknown {
    return { name: input.body.name, actor: actor.kind === 'user' ? actor.email : 'installation' };
  }

  @Endpoint(installationRoute)
  installation(): unknown {
    return { ok: true };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

const echoUnit: ServiceUnit = {
  name: 'echo',
  module: { module: EchoModule },
  routes: [echoRoute, installationRoute],
  readiness: [],
  start: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

describe('control-plane app (guard, problems, docs) on Postgres', () => {
  let db: ScratchDatabase;
  let dataSource: DataSource;
  let app: RunningControlPlane;
  const bus = new InProcessBus();
  const tokens: Record<string, string> = {};
  let orgA: Organization;
  let orgB: Organization;

  async function session(org: Organization, email: string, role: User['role']): Promise<string> {
    const user = await dataSource
      .getRepository(User)
      .save({ organizationId: org.id, email, name: email, role });
    const token = newSessionToken();
    await dataSource.getRepository(Session).save({
      tokenHash: sha256Tag(token),
      userId: user.id,
      organizationId: org.id,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    return token;
  }

  beforeAll(async () => {
    db = await createScratchDatabase('control_plane_app');
    dataSource = createDataSource({ url: db.url, poolSize: 2 });
    await dataSource.initialize();
    await migrate(dataSource);
    orgA = await dataSource.getRepository(Organization).save({ name: 'A', currency: 'USD' });
    orgB = await dataSource.getRepository(Organization).save({ name: 'B', currency: 'EUR' });
    tokens['managerA'] = await session(orgA, 'manager@a.test', 'manager');
    tokens['memberA'] = await session(orgA, 'member@a.test', 'member');
    tokens['adminB'] = await session(orgB, 'admin@b.test', 'admin');
    app = await startControlPlaneApp([echoUnit], {
      dataSource,
      bootstrapToken: 'bootstrap-secret-token',
      host: '127.0.0.1',
      port: 0,
      bodyLimitBytes: 4096,
    });
  });

  afterAll(async () => {
    await app?.close();
    await bus.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  const post = (path: string, token: string | undefined, body: string, type = 'application/json') =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const echo = (org: Organization, token: string | undefined, body: unknown = { name: 'x', count: 1 }) =>
    post(`/api/v1/organizations/${org.id}/echo`, token, JSON.stringify(body));

  it('lets a manager of the organization in, with the actor resolved from the session', async () => {
    const res = await echo(orgA, tokens['managerA']);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'x', actor: 'manager@a.test' });
  });

  it('lets the bootstrap token into any organization and installation routes; sessions not', async () => {
    expect((await echo(orgB, 'bootstrap-secret-token')).status).toBe(201);
    const asInstallation = await fetch(`${app.url}/api/v1/installation-only`, {
      headers: { authorization: 'Bearer bootstrap-secret-token' },
    });
    expect(asInstallation.status).toBe(200);
    const asUser = await fetch(`${app.url}/api/v1/installation-only`, {
      headers: { authorization: `Bearer ${tokens['adminB']}` },
    });
    expect(asUser.status).toBe(403);
  });

  it('answers 401 without a token or with an unknown one, in problem JSON', async () => {
    const none = await echo(orgA, undefined);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(await none.json()).toMatchObject({
      status: 401,
      type: expect.stringContaining('unauthenticated'),
    });
    expect((await echo(orgA, 'ost_not-a-session')).status).toBe(401);
  });

  it('refuses a role below the route and hides other organizations as 404', async () => {
    expect((await echo(orgA, tokens['memberA'])).status).toBe(403);
    const other = await echo(orgA, tokens['adminB']);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { detail: string }).detail).toContain(orgA.id);
  });

  it('names every invalid field, without echoing values', async () => {
    const res = await echo(orgA, tokens['managerA'], { name: '', count: -2, secret: 'sk-do-not-echo' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['body.count', 'body.name']);
    expect(JSON.stringify(body)).not.toContain('sk-do-not-echo');
    const badParam = await post('/api/v1/organizations/not-a-uuid/echo', 'bootstrap-secret-token', '{}');
    expect(badParam.status).toBe(400);
    expect(((await badParam.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['params.organizationId', 'body.name']),
    );
  });

  it('maps malformed JSON to 400, a wrong media type to 415 and an oversized body to 413', async () => {
    const path = `/api/v1/organizations/${orgA.id}/echo`;
    const malformed = await post(path, tokens['managerA'], '{"name": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ errors: [{ field: 'body' }] });
    expect((await post(path, tokens['managerA'], 'name=x', 'text/csv')).status).toBe(415);
    const big = await post(path, tokens['managerA'], JSON.stringify({ name: 'x'.repeat(10_000), count: 1 }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ status: 413, errors: [{ field: 'body' }] });
  });

  it('answers unknown endpoints with a 404 problem', async () => {
    const res = await fetch(`${app.url}/api/v1/nothing-here`, {
      headers: { authorization: 'Bearer bootstrap-secret-token' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves the OpenAPI document and the docs page publicly', async () => {
    const doc = (await (await fetch(`${app.url}/api/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { 'x-access': string; requestBody?: unknown; security?: unknown }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const op = doc.paths['/api/v1/organizations/{organizationId}/echo']?.['post'];
    expect(op?.['x-access']).toBe('manager');
    expect(op?.requestBody).toBeDefined();
    expect(op?.security).toEqual([{ bearer: [] }]);
    const page = await fetch(`${app.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/api/v1/organizations/{organizationId}/echo');
  });

  it('serves the probes publicly: liveness and readiness with the database check', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: { ready: true } } });
  });

  it('serves the Prometheus metrics publicly, every OptScale metric name and the Node defaults', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of Object.values(METRIC_NAMES)) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
