/**
 * A Nest service with `HealthModule` on a real Fastify server: with tracing on, a request gets a
 * server span named by its route template, child of the caller's `traceparent`, and a message its
 * handler publishes (a config snapshot, in a real service) carries that span's trace context.
 */
import 'reflect-metadata';
import { Body, Controller, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { InProcessBus, type MessageHeaders } from '@optscale/bus';
import { InMemorySpanExporter, startTracing, type Tracing } from '@optscale/telemetry';
import { eventually } from '@optscale/testing';
import { HealthModule } from './health';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const ORG = '6f1c2a8e-1111-4b3a-9c1d-0a2b3c4d5e6f';
const bus = new InProcessBus();

@Controller()
class KeysController {
  @Post('orgs/:organizationId/keys')
  async create(
    @Param('organizationId') organizationId: string,
    @Body() body: { name: string },
  ): Promise<object> {
    await new Promise((resolve) => setTimeout(resolve, 5)); // the context must survive awaits
    await bus.publish('optscale.config.keys.v1', `sha256:${'a'.repeat(64)}`, {
      keyId: body.name,
      organizationId: ORG,
      userId: 'user-1',
      name: body.name,
      displayPrefix: 'sk-os-abc',
      active: true,
      expiresAt: null,
    });
    return { ok: true };
  }
}

@Module({ imports: [HealthModule.forChecks([], { onMainPort: true })], controllers: [KeysController] })
class TestModule {}

describe('HTTP tracing of Nest routes', () => {
  let app: NestFastifyApplication;
  let url: string;
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;

  beforeAll(async () => {
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'service-kit-test', exporter });
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
    await tracing.shutdown();
  });

  it('continues the caller trace, names the span by route template, and puts it on published messages', async () => {
    const headers: MessageHeaders[] = [];
    await bus.subscribe('optscale.config.keys.v1', (m) => void headers.push(m.headers), {
      onInvalid: () => undefined,
    });
    const res = await fetch(`${url}/orgs/org-42/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      body: JSON.stringify({ name: 'laptop' }),
    });
    expect(res.status).toBe(201);
    const server = await eventually(() => {
      const span = exporter.getFinishedSpans().find((s) => s.name === 'POST /orgs/:organizationId/keys');
      expect(span).toBeDefined();
      return span;
    });
    expect(server?.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(server?.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    await eventually(() =>
      expect(headers[0]?.['traceparent']).toBe(`00-${CLIENT_TRACE}-${server?.spanContext().spanId}-01`),
    );

    // Probes and scrapes stay out of traces.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect(exporter.getFinishedSpans().some((s) => /healthz|metrics/.test(s.name))).toBe(false);
  });
});
