import { randomBytes } from 'node:crypto';
import { InProcessBus, type BusMessage, type Subscription } from '@optscale/bus';
import { startControlPlaneApp, type RunningControlPlane } from '@optscale/control-plane';
import {
  Provider,
  ProviderModel,
  createDataSource,
  createKek,
  createKeyring,
  migrate,
} from '@optscale/database';
import { createScratchDatabase, type ScratchDatabase } from '@optscale/testing';
import type { DataSource } from 'typeorm';
import { createAuthService } from '../auth-service';

/*
 * The `auth` unit on a real Postgres (a scratch database per test file), behind the real control
 * plane app, with an in-process bus whose config topics are recorded for assertions.
 */

export const BOOTSTRAP = 'test-bootstrap';
export const PUBLIC_URL = 'https://ai.example.test';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface AuthApp {
  url: string;
  dataSource: DataSource;
  bus: InProcessBus;
  keyMessages: BusMessage<'optscale.config.keys.v1'>[];
  accessMessages: BusMessage<'optscale.config.access.v1'>[];
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<Reply<T>>;
  /** An organization with an admin (through the API), and the admin's session token. */
  organization(
    name: string,
    adminEmail: string,
    password?: string,
  ): Promise<{ id: string; adminToken: string }>;
  /** A user through the API (as the org's admin), logged in. */
  user(
    organizationId: string,
    adminToken: string,
    email: string,
    role: 'admin' | 'manager' | 'member',
    extra?: Record<string, unknown>,
  ): Promise<{ id: string; token: string }>;
  login(email: string, password: string, organizationId?: string): Promise<string>;
  /** A provider row (the router service owns providers; tests insert them directly). */
  provider(
    organizationId: string,
    proxyName: string,
    models?: string[],
    status?: 'active' | 'inactive',
  ): Promise<Provider>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';

export async function startAuthApp(label: string): Promise<AuthApp> {
  const db: ScratchDatabase = await createScratchDatabase(label);
  const dataSource = createDataSource({ url: db.url, poolSize: 4 });
  await dataSource.initialize();
  await migrate(dataSource);
  const bus = new InProcessBus();
  const keyMessages: AuthApp['keyMessages'] = [];
  const accessMessages: AuthApp['accessMessages'] = [];
  const onInvalid = (m: { error: string }) => {
    throw new Error(`invalid message on the bus: ${m.error}`);
  };
  const subscriptions: Subscription[] = [
    await bus.subscribe('optscale.config.keys.v1', (m) => void keyMessages.push(m), { onInvalid }),
    await bus.subscribe('optscale.config.access.v1', (m) => void accessMessages.push(m), { onInvalid }),
  ];
  const unit = createAuthService({
    dataSource,
    bus,
    keyring: createKeyring(createKek(randomBytes(32))),
    publicUrl: PUBLIC_URL,
    log: () => undefined,
  });
  const running: RunningControlPlane = await startControlPlaneApp([unit], {
    dataSource,
    bootstrapToken: BOOTSTRAP,
    host: '127.0.0.1',
    port: 0,
  });

  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${running.url}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  const login: AuthApp['login'] = async (email, password, organizationId) => {
    const res = await call<{ token: string }>('POST', '/auth/login', undefined, {
      email,
      password,
      ...(organizationId ? { organization_id: organizationId } : {}),
    });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token;
  };

  return {
    url: running.url,
    dataSource,
    bus,
    keyMessages,
    accessMessages,
    call,
    login,
    organization: async (name, adminEmail, password = PASSWORD) => {
      const res = await call<{ id: string }>('POST', '/organizations', BOOTSTRAP, {
        name,
        admin: { email: adminEmail, name: 'Admin', password },
      });
      if (res.status !== 201) throw new Error(`create org: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, adminToken: await login(adminEmail, password, res.body.id) };
    },
    user: async (organizationId, adminToken, email, role, extra = {}) => {
      const res = await call<{ id: string }>('POST', `/organizations/${organizationId}/users`, adminToken, {
        email,
        role,
        password: PASSWORD,
        ...extra,
      });
      if (res.status !== 201) throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, token: await login(email, PASSWORD, organizationId) };
    },
    provider: async (organizationId, proxyName, models = [], status = 'active') => {
      const provider = await dataSource.getRepository(Provider).save({
        organizationId,
        name: proxyName,
        proxyName,
        apiType: 'openai',
        baseUrl: 'https://api.example.test/v1',
        status,
      });
      if (models.length > 0) {
        await dataSource
          .getRepository(ProviderModel)
          .insert(models.map((model) => ({ providerId: provider.id, model, source: 'manual' as const })));
      }
      return provider;
    },
    close: async () => {
      await running.close();
      for (const s of subscriptions) await s.close();
      await bus.close();
      await dataSource.destroy();
      await db.drop();
    },
  };
}
