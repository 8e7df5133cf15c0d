import { randomUUID } from 'node:crypto';
import { InProcessBus } from '@optscale/bus';
import type { RequestEvent, RouteAttempt, TargetHealth } from '@optscale/contracts';
import { eventually } from '@optscale/testing';
import { TargetHealthConsumer } from './health-consumer';

/**
 * The health part on a bus: request events with failing attempts in, `optscale.router.health.v1`
 * verdicts out, read back the way a gateway reads them (a private reader of the compacted topic).
 */

const ORG = 'org-health';
const BREAKER = { failureRateThreshold: 0.5, minimumRequests: 3, windowMs: 10_000, cooldownMs: 200 };

const attempt = (provider: string, overrides: Partial<RouteAttempt> = {}): RouteAttempt => ({
  provider,
  model: 'gpt-4.1',
  role: provider === 'primary' ? 'primary' : 'fallback',
  status: 200,
  latencyMs: 5,
  error: null,
  ...overrides,
});

function event(attempts: RouteAttempt[]): RequestEvent {
  return {
    requestId: randomUUID(),
    organizationId: ORG,
    keyId: 'key-1',
    userId: 'user-1',
    provider: attempts.at(-1)?.provider ?? null,
    model: 'gpt-4.1',
    clientModel: 'smart',
    surface: 'openai',
    operation: 'chat',
    client: 'openai-sdk',
    userAgent: null,
    sessionId: null,
    stream: false,
    passthrough: false,
    status: 200,
    errorType: null,
    errorMessage: null,
    usage: { inputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
    routing: { ruleId: 'rule-1', ruleName: 'smart', attempts },
    timings: { startedAt: Date.now(), gatewayMs: 1, upstreamMs: 5, ttftMs: null, totalMs: 6 },
  };
}

const failedOver = event([attempt('primary', { status: 503, error: 'status 503' }), attempt('secondary')]);
const answered = event([attempt('primary')]);

describe('TargetHealthConsumer (in-process bus)', () => {
  let bus: InProcessBus;
  let consumer: TargetHealthConsumer | undefined;
  const health: Array<{ key: string; value: TargetHealth | null }> = [];
  const logs: string[] = [];

  beforeEach(async () => {
    bus = new InProcessBus();
    health.length = 0;
    logs.length = 0;
    await bus.subscribe(
      'optscale.router.health.v1',
      (m) => void health.push({ key: m.key, value: m.value }),
      {
        onInvalid: (m) => {
          throw new Error(`invalid health message: ${m.error}`);
        },
      },
    );
  });

  afterEach(async () => {
    await consumer?.close();
    await bus.close();
  });

  const publish = async (...events: RequestEvent[]): Promise<void> => {
    for (const e of events) await bus.publish('optscale.gateway.requests.v1', e.organizationId, e);
  };

  it('publishes open after repeated failures, then closed after a successful probe', async () => {
    const clock = { now: Date.parse('2025-06-01T12:00:00.000Z') };
    // No sweep during the test: only the probe can close it.
    consumer = new TargetHealthConsumer({
      bus,
      breaker: BREAKER,
      now: () => clock.now,
      sweepIntervalMs: 60_000,
    });
    await consumer.start();
    expect(consumer.check().ready).toBe(true);

    await publish(failedOver, failedOver, failedOver);
    await eventually(() => expect(health).toHaveLength(1));
    expect(health[0]).toEqual({
      key: `${ORG}/primary/gpt-4.1`,
      value: {
        organizationId: ORG,
        provider: 'primary',
        model: 'gpt-4.1',
        state: 'open',
        openUntil: '2025-06-01T12:00:00.200Z',
        failureRate: 1,
        requests: 3,
        updatedAt: '2025-06-01T12:00:00.000Z',
      },
    });
    expect(consumer.check().detail).toMatchObject({ openTargets: 1, published: 1 });

    // Late outcomes while open, and skipped attempts, change nothing.
    await publish(failedOver, event([attempt('primary', { status: null, error: 'circuit open' })]));
    clock.now += 250;
    await publish(answered);
    await eventually(() => expect(health).toHaveLength(2));
    expect(health[1]?.value).toMatchObject({ state: 'closed', openUntil: null });
    // The fallback answered every time: never published.
    expect(health.map((h) => h.key)).toEqual([`${ORG}/primary/gpt-4.1`, `${ORG}/primary/gpt-4.1`]);
  });

  it('publishes closed when the cooldown passes without traffic', async () => {
    consumer = new TargetHealthConsumer({ bus, breaker: BREAKER, sweepIntervalMs: 20 });
    await consumer.start();
    await publish(failedOver, failedOver, failedOver);
    await eventually(() => expect(health.map((h) => h.value?.state)).toEqual(['open', 'closed']));
    const [opened, closed] = health.map((h) => h.value);
    expect(Date.parse(closed!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(opened!.openUntil!));
  });

  it('logs and counts request events its contract refuses', async () => {
    consumer = new TargetHealthConsumer({ bus, breaker: BREAKER, log: (line) => void logs.push(line) });
    await consumer.start();
    await bus.publishRaw('optscale.gateway.requests.v1', ORG, Buffer.from('{"not":"an event"}'));
    await eventually(() => expect(consumer?.check().detail).toMatchObject({ invalidMessages: 1 }));
    expect(logs[0]).toContain('ignoring an invalid request event');
    expect(health).toHaveLength(0);
  });
});
