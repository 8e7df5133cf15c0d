/**
 * W3C trace context across the real local Kafka (`bash deploy/local/stack.sh up`): a message
 * published while a span is active carries its `traceparent`, and the consumer's handler runs in a
 * `process` span of the same trace, child of the producer's span.
 */
import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, startTracing, type Tracing } from '@optscale/telemetry';
import { localStackEnv, eventually } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { BusMessage } from './bus';
import { InProcessBus } from './in-process-bus';
import { KafkaBus } from './kafka-bus';
import { keyHash, keySnapshot } from './__fixtures__/payloads';

const { kafkaBrokers } = localStackEnv();
const prefix = `test.trace.${randomUUID().slice(0, 8)}.`;

describe('trace context on the bus', () => {
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;

  beforeAll(() => {
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'bus-trace-test', exporter });
  });

  afterAll(async () => {
    await tracing.shutdown();
    const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const groupIds = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
      if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  });

  for (const adapter of ['kafka', 'in-process'] as const) {
    it(`${adapter}: carries the active span's traceparent to the consumer, which continues the trace`, async () => {
      const bus =
        adapter === 'kafka'
          ? new KafkaBus({
              brokers: kafkaBrokers,
              clientId: 'trace-int-spec',
              topicPrefix: prefix,
              sessionTimeoutMs: 6000,
              rebalanceTimeoutMs: 6000,
              heartbeatIntervalMs: 500,
              maxWaitTimeMs: 100,
              logLevel: logLevel.NOTHING,
            })
          : new InProcessBus();
      const received: { message: BusMessage<'optscale.config.keys.v1'>; activeTraceId?: string }[] = [];
      try {
        await bus.subscribe(
          'optscale.config.keys.v1',
          (message) => {
            received.push({ message, activeTraceId: trace.getSpan(context.active())?.spanContext().traceId });
          },
          { group: `trace-${adapter}`, onInvalid: () => undefined },
        );
        const producer = trace.getTracer('test').startSpan('publish a key');
        const { traceId, spanId } = producer.spanContext();
        await context.with(trace.setSpan(context.active(), producer), () =>
          bus.publish('optscale.config.keys.v1', keyHash('t'), keySnapshot('t')),
        );
        producer.end();
        // Published outside any span: no trace context at all.
        await bus.publish('optscale.config.keys.v1', keyHash('u'), keySnapshot('u'));

        await eventually(() => expect(received).toHaveLength(2), { timeoutMs: 20_000 });
        const [traced, untraced] = received;
        expect(traced?.message.headers['traceparent']).toBe(`00-${traceId}-${spanId}-01`);
        expect(traced?.activeTraceId).toBe(traceId);
        expect(untraced?.message.headers['traceparent']).toBeUndefined();
        expect(untraced?.activeTraceId).not.toBe(traceId);

        const consumer = exporter
          .getFinishedSpans()
          .find((s) => s.name === 'optscale.config.keys.v1 process' && s.spanContext().traceId === traceId);
        expect(consumer?.parentSpanContext?.spanId).toBe(spanId);
        expect(consumer?.attributes['messaging.destination.name']).toBe('optscale.config.keys.v1');
      } finally {
        await bus.close();
      }
    });
  }
});
