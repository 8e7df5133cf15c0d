import { randomBytes } from 'node:crypto';
import { newSessionToken, sha256Tag } from '@optscale/admin-api';
import { InProcessBus, type Subscription } from '@optscale/bus';
import type { PolicySnapshot, RequestEvent } from '@optscale/contracts';
import { startControlPlaneApp, type RunningControlPlane } from '@optscale/control-plane';
import {
  Organization,
  Session,
  User,
  createDataSource,
  createKek,
  createKeyring,
  migrate,
  type UserRole,
} from '@optscale/database';
import { createScratchDatabase, type ScratchDatabase } from '@optscale/testing';
import type { DataSource } from 'typeorm';
import { createPolicyService } from '../policy-service';

export const BOOTSTRAP = 'test-bootstrap';

/** A parsed admin API answer; `body` is loosely typed on purpose (tests assert its shape). */
export interface ApiResponse {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read any field
  body: any;
}

/**
 * The policy service on a scratch Postgres database behind a real HTTP server, with an in-process
 * bus whose policies topic is recorded, and helpers to seed organizations and sessions and to send
 * request events as a gateway would.
 */
export class PolicyHarness {
  readonly bus = new InProcessBus();
  /** Every message on the policies topic, in order. */
  readonly published: { key: string; value: PolicySnapshot | null }[] = [];
  readonly logs: string[] = [];
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
      'optscale.config.policies.v1',
      (message) => void this.published.push({ key: message.key, value: message.value }),
      { onInvalid: (message) => void this.published.push({ key: `invalid: ${message.error}`, value: null }) },
    );
    const unit = createPolicyService({
      dataSource: this.dataSource,
      bus: this.bus,
      keyring: createKeyring(createKek(randomBytes(32))),
      publicUrl: 'http://gateway.test',
      log: (line) => void this.logs.push(line),
    });
    this.app = await startControlPlaneApp([unit], {
      dataSource: this.dataSource,
      bootstrapToken: BOOTSTRAP,
      host: '127.0.0.1',
      port: 0,
    });
    return this;
  }

  /** The server's base URL (probes live outside `/api/v1`). */
  get url(): string {
    return this.app?.url ?? '';
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.subscription?.close();
    await this.bus.close();
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    await this.db?.drop();
  }

  /** The latest value of one key, as a gateway would hold it (undefined: never seen or deleted). */
  latest(key: string): PolicySnapshot | undefined {
    let value: PolicySnapshot | null | undefined;
    for (const m of this.published) if (m.key === key) value = m.value;
    return value ?? undefined;
  }

  organization(name: string): Promise<Organization> {
    return this.dataSource.getRepository(Organization).save({ name, currency: 'USD' });
  }

  async session(org: Organization, role: UserRole): Promise<string> {
    const email = `${role}-${randomBytes(3).toString('hex')}@test.dev`;
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
    return token;
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
    const response = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- see ApiResponse.body
    return { status: response.status, text, body: text.length > 0 ? JSON.parse(text) : undefined };
  }

  /** Publishes a request event as a gateway would (validated by the bus against the contract). */
  sendEvent(event: RequestEvent): Promise<void> {
    return this.bus.publish('optscale.gateway.requests.v1', event.organizationId, event);
  }
}
