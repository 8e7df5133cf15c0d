import type { Bus, InvalidMessage, Subscription } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import type { DataSource } from 'typeorm';
import { foldEvaluations, hourOf } from './fold';

/** The consumer group of the policy statistics: one member of the group gets each request event. */
export const POLICY_STATS_GROUP = 'policy-stats';

/**
 * Adds each event's increments to the policies' hourly rows in one statement. Policies that no
 * longer exist (or belong to another organization) are skipped by the join, so an event that names
 * a deleted policy still counts for the others.
 */
const UPSERT = `
  INSERT INTO policy_stats_hourly
    (policy_id, hour, organization_id, requests, evaluated, matched, violated, timed_out, latency_us_sum)
  SELECT p.id, $2::timestamptz, p.organization_id, v.requests, v.evaluated, v.matched, v.violated,
         v.timed_out, v.latency_us
  FROM jsonb_to_recordset($3::jsonb) AS v(policy_id uuid, requests int, evaluated int, matched int,
                                           violated int, timed_out int, latency_us bigint)
  JOIN policies p ON p.id = v.policy_id AND p.organization_id = $1::uuid
  ON CONFLICT (policy_id, hour) DO UPDATE SET
    requests = policy_stats_hourly.requests + EXCLUDED.requests,
    evaluated = policy_stats_hourly.evaluated + EXCLUDED.evaluated,
    matched = policy_stats_hourly.matched + EXCLUDED.matched,
    violated = policy_stats_hourly.violated + EXCLUDED.violated,
    timed_out = policy_stats_hourly.timed_out + EXCLUDED.timed_out,
    latency_us_sum = policy_stats_hourly.latency_us_sum + EXCLUDED.latency_us_sum`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Folds the gateways' request events (`optscale.gateway.requests.v1`) into `policy_stats_hourly`,
 * one upsert per event.
 *
 * Delivery is at least once: after a crash between the upsert and the group's offset commit, the
 * redelivered events are counted again. The hourly cards tolerate that; exact-once accounting is
 * the trace collector's job (it keeps per-request rows keyed by request id) in a later change.
 * A refused message (not a valid request event) is logged and counted, never silently dropped; the
 * dead-letter topic is left to the event's owning consumer (the trace collector).
 */
export class PolicyStatsConsumer implements ReadinessCheck {
  readonly name = 'consumer:policy-stats';
  private subscription?: Subscription;
  private folded = 0;
  private invalid = 0;
  private failed = 0;
  private lastError: { message: string; at: string } | null = null;
  /** Whether the most recent event failed to be stored (degraded until one is stored again). */
  private failing = false;

  constructor(
    private readonly bus: Bus,
    private readonly dataSource: DataSource,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(
      'optscale.gateway.requests.v1',
      (message) => this.fold(message.value),
      { group: POLICY_STATS_GROUP, onInvalid: (message) => this.refuse(message) },
    );
    await this.subscription.caughtUp();
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  /** Adds one event's evaluations; resolves when they are stored (or the failure is recorded). */
  async fold(event: RequestEvent): Promise<void> {
    const increments = foldEvaluations(event);
    if (increments.length === 0 || !UUID.test(event.organizationId)) return;
    const rows = increments.map((i) => ({
      policy_id: i.policyId,
      requests: i.requests,
      evaluated: i.evaluated,
      matched: i.matched,
      violated: i.violated,
      timed_out: i.timedOut,
      latency_us: i.latencyUs,
    }));
    try {
      await this.dataSource.query(UPSERT, [
        event.organizationId,
        hourOf(event).toISOString(),
        JSON.stringify(rows),
      ]);
      this.folded += 1;
      this.failing = false;
    } catch (error) {
      this.failed += 1;
      this.failing = true;
      this.lastError = { message: (error as Error).message, at: new Date().toISOString() };
      this.log(`policy-stats: event ${event.requestId} not counted: ${this.lastError.message}`);
    }
  }

  private refuse(message: InvalidMessage): void {
    this.invalid += 1;
    this.log(
      `policy-stats: refusing an invalid request event (partition ${message.partition}, offset ${message.offset}): ${message.error}`,
    );
  }

  check(): ReadinessReport {
    return {
      ready: this.subscription !== undefined,
      degraded: this.failing,
      detail: { folded: this.folded, invalid: this.invalid, failed: this.failed, lastError: this.lastError },
    };
  }
}
