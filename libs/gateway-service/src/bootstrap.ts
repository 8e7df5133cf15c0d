import 'reflect-metadata';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConfigFile } from './config/config-file';
import { GatewayModule } from './gateway.module';
import type { GatewayEnv } from './gateway-env';
import { GatewayRuntime } from './gateway-runtime';
import type { RequestEventSink } from './pipeline/extensions';
import { createProxyHandler, type ProxyHandler } from './transport/proxy-handler';

export interface RunningGateway {
  app: NestFastifyApplication;
  runtime: GatewayRuntime;
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  close(): Promise<void>;
}

/**
 * Start the gateway: Nest structures the service (modules, health, lifecycle); the proxy routes
 * are served by a plain node:http handler in the same server, so the hot path skips the framework's
 * per-request machinery (docs/adr/0002).
 */
export async function startGateway(
  env: GatewayEnv,
  config: ConfigFile,
  extraSinks: readonly RequestEventSink[] = [],
): Promise<RunningGateway> {
  const runtime = new GatewayRuntime(env, config, extraSinks);
  const proxy: ProxyHandler = createProxyHandler(
    { state: runtime.state, upstream: runtime.upstream, extensions: runtime.extensions },
    env.BODY_LIMIT_BYTES,
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
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRuntime(runtime), adapter, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return {
    app,
    runtime,
    url: `http://${host}:${port}`,
    close: async () => {
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
