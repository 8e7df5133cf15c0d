import 'reflect-metadata';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ReadinessCheck } from '@optscale/service-kit';
import type { BudgetEnforcement } from './budgets/budget-enforcement';
import type { GatewayStateSource } from './config/state-source';
import { GatewayModule } from './gateway.module';
import type { GatewayEnv } from './gateway-env';
import { GatewayRuntime } from './gateway-runtime';
import type { RequestEventSink } from './pipeline/extensions';
import type { RoutingRuntimeOptions } from './routing/routing-runtime';
import { createProxyHandler, type ProxyHandler } from './transport/proxy-handler';

export interface RunningGateway {
  app: NestFastifyApplication;
  runtime: GatewayRuntime;
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  /** Where request events go besides the in-memory recent list and the request log. */
  sinks?: readonly RequestEventSink[];
  /** Extra Nest modules mounted in the same application (the embedded platform's admin API). */
  modules?: readonly DynamicModule[];
  /** Extra checks for `/readyz`, next to the gateway's own. */
  readinessChecks?: readonly ReadinessCheck[];
  /** Clock, randomness and back-off waits of the routing rules (tests). */
  routing?: RoutingRuntimeOptions;
  /** Budgets and rate limits (`budgetEnforcementFromEnv`); the gateway owns and closes them. */
  budgets?: BudgetEnforcement;
}

/**
 * Start the gateway: Nest structures the service (modules, health, lifecycle); the proxy routes
 * are served by a plain node:http handler in the same server, so the hot path skips the framework's
 * per-request machinery (docs/adr/0002).
 *
 * It listens at once and loads the source in the background: `/readyz` answers 503 and proxy routes
 * refuse with a retryable 503 until the state is complete (resolves `runtime.start()`), so an
 * orchestrator can see the process alive while it reads the config topics. The gateway owns the
 * source: `close()` closes it.
 */
export async function startGateway(
  env: GatewayEnv,
  source: GatewayStateSource,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  const runtime = new GatewayRuntime(env, source, options.sinks, options.routing, options.budgets);
  const proxy: ProxyHandler = createProxyHandler(
    { state: runtime.state, upstream: runtime.upstream, extensions: runtime.extensions },
    env.BODY_LIMIT_BYTES,
    runtime.isLoaded,
  );
  // One HTTP server: `/llm_proxy/...` goes to the proxy handler, everything else to Nest.
  const adapter = new FastifyAdapter({
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    serverFactory: (nest: (req: IncomingMessage, res: ServerResponse) => void) =>
      createServer({ keepAliveTimeout: 72_000 }, (req, res) => {
        if (!proxy(req, res)) nest(req, res);
      }),
  });
  const gatewayModule = GatewayModule.forRuntime(runtime, {
    modules: options.modules ?? [],
    readinessChecks: [
      ...(options.readinessChecks ?? []),
      ...(options.budgets ? [options.budgets.readinessCheck] : []),
    ],
  });
  const app = await NestFactory.create<NestFastifyApplication>(gatewayModule, adapter, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);
  let closing = false;
  runtime.start().catch((error: unknown) => {
    if (!closing) console.error(`[gateway] cannot load the configuration: ${(error as Error).message}`);
  });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return {
    app,
    runtime,
    url: `http://${host}:${port}`,
    close: async () => {
      closing = true;
      // Drain: in-flight requests get SHUTDOWN_GRACE_MS to finish, then their connections are cut.
      const server = app.getHttpServer();
      const deadline = setTimeout(() => server.closeAllConnections(), env.SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
      }
      await runtime.close();
    },
  };
}
