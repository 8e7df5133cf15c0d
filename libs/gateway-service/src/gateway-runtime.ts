import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { ConfigFile } from './config/config-file';
import { buildGatewayState, type GatewayState } from './config/gateway-state';
import type { GatewayEnv } from './gateway-env';
import type { PipelineExtensions, RequestEventSink } from './pipeline/extensions';
import { FanOutEventSink, JsonLinesEventSink, MemoryEventSink } from './record/event-sinks';
import { modelCatalogRouter } from './routing/default-router';
import { UpstreamClient } from './transport/upstream-client';

/**
 * Everything the data plane holds at run time: the in-memory state (swapped whole on reload), the
 * upstream pool, and the pipeline's plug-ins.
 */
export class GatewayRuntime {
  private current: GatewayState;
  readonly upstream: UpstreamClient;
  readonly recent = new MemoryEventSink(5_000);
  readonly extensions: PipelineExtensions;
  private readonly requestLog?: JsonLinesEventSink;

  constructor(
    readonly env: GatewayEnv,
    config: ConfigFile,
    extraSinks: readonly RequestEventSink[] = [],
  ) {
    this.current = buildGatewayState(config);
    this.upstream = new UpstreamClient({
      connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: env.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: env.UPSTREAM_BODY_TIMEOUT_MS,
      connectionsPerOrigin: env.UPSTREAM_CONNECTIONS_PER_ORIGIN,
    });
    const sinks: RequestEventSink[] = [this.recent, ...extraSinks];
    if (env.OPTSCALE_REQUEST_LOG) {
      mkdirSync(env.OPTSCALE_DATA_DIR, { recursive: true });
      this.requestLog = new JsonLinesEventSink(join(env.OPTSCALE_DATA_DIR, 'requests.ndjson'));
      sinks.push(this.requestLog);
    }
    this.extensions = {
      preCall: [],
      router: modelCatalogRouter,
      postCall: [],
      sink: new FanOutEventSink(sinks),
    };
  }

  state = (): GatewayState => this.current;

  /** Replace the whole state at once (a config reload); requests in flight keep the state they started with. */
  reload(config: ConfigFile): void {
    this.current = buildGatewayState(config);
  }

  async close(): Promise<void> {
    await this.requestLog?.close();
    await this.upstream.close();
  }
}
