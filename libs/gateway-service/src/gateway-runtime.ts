import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { ReadinessCheck } from '@optscale/service-kit';
import type { BudgetEnforcement } from './budgets/budget-enforcement';
import type { GatewayState } from './config/gateway-state';
import type { GatewayStateSource } from './config/state-source';
import type { GatewayEnv } from './gateway-env';
import type { PipelineExtensions, RequestEventSink } from './pipeline/extensions';
import { FanOutEventSink, JsonLinesEventSink, MemoryEventSink } from './record/event-sinks';
import { MetricsEventSink } from './record/metrics-sink';
import { RoutingRuntime, type RoutingRuntimeOptions } from './routing/routing-runtime';
import { RuleRouter } from './routing/rule-router';
import { UpstreamClient } from './transport/upstream-client';

/**
 * Everything the data plane holds at run time: the source of its in-memory state, the upstream
 * pool, and the pipeline's plug-ins. The runtime owns the source: closing it closes the source.
 */
export class GatewayRuntime {
  readonly upstream: UpstreamClient;
  readonly recent = new MemoryEventSink(5_000);
  readonly extensions: PipelineExtensions;
  /** Circuit breakers and session affinity of the routing rules, for this process. */
  readonly routing: RoutingRuntime;
  /** `/readyz`: ready once the source has loaded, degraded as the source says. */
  readonly readinessCheck: ReadinessCheck;
  private readonly requestLog?: JsonLinesEventSink;
  private loaded = false;

  constructor(
    readonly env: GatewayEnv,
    readonly source: GatewayStateSource,
    extraSinks: readonly RequestEventSink[] = [],
    routing: RoutingRuntimeOptions = {},
    /** Budgets and rate limits (docs/adr/0008); absent: none enforced. */
    readonly budgets?: BudgetEnforcement,
  ) {
    this.upstream = new UpstreamClient({
      connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: env.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: env.UPSTREAM_BODY_TIMEOUT_MS,
      connectionsPerOrigin: env.UPSTREAM_CONNECTIONS_PER_ORIGIN,
    });
    // Prometheus counters are fed from each request's event, off the response path.
    const sinks: RequestEventSink[] = [this.recent, new MetricsEventSink(), ...extraSinks];
    // The budget guard settles each request's reservation from its event.
    if (budgets) sinks.push(budgets.guard);
    if (env.OPTSCALE_REQUEST_LOG) {
      mkdirSync(env.OPTSCALE_DATA_DIR, { recursive: true });
      this.requestLog = new JsonLinesEventSink(join(env.OPTSCALE_DATA_DIR, 'requests.ndjson'));
      sinks.push(this.requestLog);
    }
    this.routing = new RoutingRuntime({
      breaker: {
        failureRateThreshold: env.ROUTING_BREAKER_FAILURE_RATE,
        minimumRequests: env.ROUTING_BREAKER_MIN_REQUESTS,
        windowMs: env.ROUTING_BREAKER_WINDOW_MS,
        cooldownMs: env.ROUTING_BREAKER_COOLDOWN_MS,
      },
      targetHealth: (organizationId) => source.state().targetHealth.get(organizationId),
      ...routing,
    });
    this.extensions = {
      preCall: [],
      router: new RuleRouter(this.routing),
      postCall: [],
      sink: new FanOutEventSink(sinks),
      ...(budgets ? { budgets: budgets.guard } : {}),
    };
    this.readinessCheck = { name: 'gateway', check: () => source.readiness() };
  }

  /** Per request: the state of the moment, swapped whole by the source. */
  state = (): GatewayState => this.source.state();

  /** Per request, so a flag rather than the source's readiness report. */
  isLoaded = (): boolean => this.loaded;

  /** Loads the source; resolves once the state is complete. Idempotent. */
  async start(): Promise<void> {
    await Promise.all([this.source.start(), this.budgets?.start()]);
    this.loaded = true;
  }

  async close(): Promise<void> {
    await this.source.close();
    await this.budgets?.close();
    await this.requestLog?.close();
    await this.upstream.close();
  }
}
