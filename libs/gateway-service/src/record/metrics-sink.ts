import type { RequestEvent } from '@optscale/contracts';
import { metrics, statusClass } from '@optscale/telemetry';
import type { RequestEventSink } from '../pipeline/extensions';

/**
 * Feeds the gateway's Prometheus metrics from each request event, in the record stage (after the
 * response is out, once per request, never per chunk). Labels stay bounded: the provider is the
 * configured proxy name and the model the upstream model routing resolved from configuration;
 * requests that never got that far count as `none`/`unknown`, never as what the client sent. A
 * provider configured without a model list forwards any model name, so distinct model values are
 * also capped per process (`maxModels`, then `other`).
 */
export class MetricsEventSink implements RequestEventSink {
  private readonly models = new Set<string>();

  constructor(private readonly maxModels = 500) {}

  emit(event: RequestEvent): void {
    const provider = event.provider ?? 'none';
    const model = this.modelLabel(event.provider !== null ? event.model : null);
    metrics.gatewayRequests.inc({
      surface: event.surface,
      provider,
      model,
      status_class: statusClass(event.status),
    });
    metrics.gatewayRequestDuration.observe(
      { surface: event.surface, provider },
      event.timings.totalMs / 1000,
    );
    if (event.timings.ttftMs !== null)
      metrics.gatewayTtft.observe({ surface: event.surface, provider }, event.timings.ttftMs / 1000);
    const usage = event.usage;
    const tokens: [string, number][] = [
      ['input', usage.inputTokens],
      ['cache_read', usage.cacheReadTokens],
      ['cache_write', usage.cacheWriteTokens],
      ['output', usage.outputTokens],
      ['reasoning', usage.reasoningTokens],
    ];
    for (const [kind, count] of tokens) if (count > 0) metrics.gatewayTokens.inc({ kind }, count);
    const nanos = event.cost === undefined ? 0 : Number(event.cost.nanos);
    if (nanos > 0) metrics.gatewayCostNanodollars.inc({ provider, model }, nanos);
  }

  private modelLabel(model: string | null): string {
    if (model === null) return 'unknown';
    if (this.models.has(model)) return model;
    if (this.models.size >= this.maxModels) return 'other';
    this.models.add(model);
    return model;
  }
}
