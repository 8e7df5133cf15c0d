import { Inject, Injectable } from '@nestjs/common';
import {
  CONTROL_PLANE_CONTEXT,
  SnapshotPublisher,
  accessSource,
  keysSource,
  type ControlPlaneContext,
} from '@optscale/control-plane';
import type { DataSource, EntityManager } from 'typeorm';
import { budgetsSource } from './budgets/budgets-source';

/** The config topics `auth` owns. */
export type AuthTopic = 'keys' | 'access' | 'budgets';

/** The keys, access and budgets publishers of one `auth` unit (started and closed with it). */
export class AuthPublishers {
  readonly keys: SnapshotPublisher<'optscale.config.keys.v1'>;
  readonly access: SnapshotPublisher<'optscale.config.access.v1'>;
  readonly budgets: SnapshotPublisher<'optscale.config.budgets.v1'>;

  constructor(ctx: ControlPlaneContext) {
    const options = ctx.log ? { log: ctx.log } : {};
    this.keys = new SnapshotPublisher(ctx.bus, ctx.dataSource, keysSource, options);
    this.access = new SnapshotPublisher(ctx.bus, ctx.dataSource, accessSource, options);
    this.budgets = new SnapshotPublisher(ctx.bus, ctx.dataSource, budgetsSource, options);
  }

  async start(): Promise<void> {
    await this.keys.start();
    await this.access.start();
    await this.budgets.start();
  }

  async close(): Promise<void> {
    await this.keys.close();
    await this.access.close();
    await this.budgets.close();
  }

  /** Publishes what changed for one organization on the given topics (never rejects). */
  async sync(organizationId: string, topics: readonly AuthTopic[]): Promise<void> {
    for (const topic of topics) await this[topic].sync(organizationId);
  }
}

/**
 * How every service of this unit changes the store: one transaction (the change and its audit row
 * commit together), then a sync of the affected topics for that organization. The sync runs after
 * the commit, so the gateways never see a state that was rolled back; the publisher works out the
 * exact messages (including tombstones for cascaded deletes).
 */
@Injectable()
export class AuthStore {
  constructor(
    @Inject(CONTROL_PLANE_CONTEXT) readonly ctx: ControlPlaneContext,
    @Inject(AuthPublishers) private readonly publishers: AuthPublishers,
  ) {}

  get dataSource(): DataSource {
    return this.ctx.dataSource;
  }

  async change<T>(
    organizationId: string,
    topics: readonly AuthTopic[],
    work: (m: EntityManager) => Promise<T>,
  ): Promise<T> {
    const result = await this.dataSource.transaction(work);
    await this.publishers.sync(organizationId, topics);
    return result;
  }

  /** For changes committed some other way (a transaction that had to learn the organization's id). */
  sync(organizationId: string, topics: readonly AuthTopic[]): Promise<void> {
    return this.publishers.sync(organizationId, topics);
  }
}
