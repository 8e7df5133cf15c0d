import { randomBytes } from 'node:crypto';
import { newSessionToken, sha256Tag } from '@optscale/admin-api';
import { InProcessBus, type Subscription } from '@optscale/bus';
import type { ProviderSnapshot } from '@optscale/contracts';
import { startControlPlaneApp, type RunningControlPlane } from '@optscale/control-plane';
import {
  AllowedProvider,
  Organization,
  Session,
  User,
  createDataSource,
  createKek,
  createKeyring,
  migrate,
  type Keyring,
  type UserRole,
} from '@optscale/database';
import { createScratchDatabase, type ScratchDatabase } from '@optscale/testing';
import type { DataSource } from 'typeorm';
import { createRouterService } from '../router-service';

export const BOOTSTRAP = 'test-bootstrap';
export const PROVIDERS_TOPIC = 'optscale.config.providers.v1';

/** A parsed admin API answer; `body` is loosely typed on purpose (tests assert its shape). */
export interface ApiResponse {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read any field
  body: any;
}

export interface BusRecord {
  key: string;
  value: ProviderSnapshot | null;
}

/**
 * The router service on a scratch Postgres database behind a real HTTP server, with an in-process
 * bus whose providers topic is recorded, and helpers to seed organizations and sessions (the auth
 * service that would create them is not part of this library).
 */
export class RouterHarness {
  readonly bus = new InProcessBus();
  readonly keyring: Keyring = createKeyring(createKek(randomBytes(32)));
  /** Every message on the providers topic, in order. */
  readonly published: BusRecord[] = [];
  /** The text of every response, for "never returns a secret" scans. */
  readonly responses: string[] = [];
  dataSource!: DataSource;
  private db?: ScratchDatabase;
  private app?: RunningControlPlane;
  private subscription?: Subscription;

  async start(label: string): Promise<this> {
    this.db = await createScratchDatabase(label);
    this.dataSource = createDataSource({ url: this.db.url, poolSize: 4 });
    await this.dataSource.initialize();
    await migrate(this.dataSource);
    this.subscription = await this.bus.subscribe(
      PROVIDERS_TOPIC,
      (message) => {
        this.published.push({ key: message.key, value: message.value });
      },
      {
        onInvalid: (message) => {
          this.published.push({ key: `invalid: ${message.error}`, value: null });
        },
      },
    );
    const unit = createRouterService({
      dataSource: this.dataSource,
      bus: this.bus,
      keyring: this.keyring,
      publicUrl: 'http://gateway.test',
      log: () => undefined,
    });
    this.app = await startControlPlaneApp([unit], {
      dataSource: this.dataSource,
      bootstrapToken: BOOTSTRAP,
      host: '127.0.0.1',
      port: 0,
    });
    return this;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.subscription?.close();
    await this.bus.close();
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    await this.db?.drop();
  }

  /** The latest value per key, as a gateway would hold it (tombstones remove). */
  latest(): Map<string, ProviderSnapshot> {
    const state = new Map<string, ProviderSnapshot>();
    for (const { key, value } of this.published) {
      if (value === null) state.delete(key);
      else state.set(key, value);
    }
    return state;
  }

  organization(name: string): Promise<Organization> {
    return this.dataSource.getRepository(Organization).save({ name, currency: 'USD' });
  }

  /** A user with a live session; returns the bearer token and the user. */
  async session(
    org: Organization,
    role: UserRole,
    email = `${role}-${randomBytes(3).toString('hex')}@test.dev`,
  ) {
    const user = await this.dataSource
      .getRepository(User)
      .save({ organizationId: org.id, email, name: email, role });
    const token = newSessionToken();
    await this.dataSource.getRepository(Session).save({
      tokenHash: sha256Tag(token),
      userId: user.id,
      organizationId: org.id,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    return { token, user };
  }

  /** Puts a provider in a user's AI Access. */
  async allow(user: User, providerId: string): Promise<void> {
    await this.dataSource
      .getRepository(AllowedProvider)
      .save({ userId: user.id, providerId, organizationId: user.organizationId });
  }

  async request(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.app?.url ?? ''}/api/v1${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    this.responses.push(text);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- see ApiResponse.body
    return { status: response.status, text, body: text.length > 0 ? JSON.parse(text) : undefined };
  }

  /** Every text value of every table of the database, for "stored only encrypted" scans. */
  async databaseText(): Promise<string> {
    const tables = await this.dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const parts: string[] = [];
    for (const { table_name } of tables) {
      const rows = await this.dataSource.query<{ row: string }[]>(
        `SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t`,
      );
      parts.push(...rows.map((r) => r.row));
    }
    return parts.join('\n');
  }
}
