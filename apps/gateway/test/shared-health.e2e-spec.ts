/**
 * Circuit-breaker health shared across replicas, end to end: the test publishes the router's
 * verdicts on `optscale.router.health.v1` (in-process bus) and a gateway that has never seen the
 * target fail skips it while the router holds it open, then uses it again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { targetHealthMessageKey, type RequestEvent, type TargetHealth } from '@optscale/contracts';
import { eventually, startMockProvider, type MockProvider } from '@optscale/testing';
import { startBusStack, type BusStack } from './support/bus-stack';

describe('shared target health (e2e)', () => {
  let stack: BusStack;
  let primary: MockProvider;
  let secondary: MockProvider;
  let key: string;

  beforeAll(async () => {
    primary = await startMockProvider('openai', { apiKey: 'sk-primary' });
    secondary = await startMockProvider('openai', { apiKey: 'sk-secondary' });
    stack = await startBusStack();
    for (const [proxyName, mock, apiKey] of [
      ['primary', primary, 'sk-primary'],
      ['secondary', secondary, 'sk-secondary'],
    ] as const) {
      await stack.putProvider({
        proxyName,
        apiType: 'openai',
        baseUrl: mock.url,
        apiKey,
        models: ['gpt-4.1'],
      });
    }
    await stack.putAccess('dev', ['primary', 'secondary']);
    key = await stack.addKey('dev');
    await stack.putRule({
      id: 'shared',
      models: ['shared'],
      targets: [{ provider: 'primary', model: 'gpt-shared', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-shared' }],
      retry: { maxRetries: 0, initialBackoffMs: 0, maxBackoffMs: 0 },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await Promise.all([primary, secondary].map((m) => m?.close()));
  });

  beforeEach(() => {
    primary.reset();
    secondary.reset();
  });

  const chat = async (): Promise<RequestEvent> => {
    const res = await fetch(`${stack.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'shared', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    return eventually(() => {
      const event = stack.gateway.runtime.recent.find(res.headers.get('x-request-id') ?? '');
      if (!event) throw new Error('no event yet');
      return event;
    });
  };

  const verdict = async (state: TargetHealth['state'], openUntil: number | null): Promise<void> => {
    const message: TargetHealth = {
      organizationId: stack.organizationId,
      provider: 'primary',
      model: 'gpt-shared',
      state,
      openUntil: openUntil === null ? null : new Date(openUntil).toISOString(),
      failureRate: state === 'open' ? 1 : 0,
      requests: state === 'open' ? 10 : 0,
      updatedAt: new Date().toISOString(),
    };
    const messageKey = targetHealthMessageKey(stack.organizationId, 'primary', 'gpt-shared');
    await stack.bus.publish('optscale.router.health.v1', messageKey, message);
    await eventually(() => {
      const held = stack.gateway.runtime
        .state()
        .targetHealth.get(stack.organizationId)
        ?.has('primary/gpt-shared');
      if ((held === true) !== (state === 'open')) throw new Error('verdict not applied yet');
    });
  };

  it('skips a target the router holds open without trying it, then uses it again', async () => {
    expect((await chat()).provider).toBe('primary');
    primary.reset();

    const openMs = 600;
    await verdict('open', Date.now() + openMs);
    for (let i = 0; i < 3; i++) {
      const event = await chat();
      expect(event.provider).toBe('secondary');
      expect(event.routing?.attempts.map((a) => [a.provider, a.error])).toEqual([
        ['primary', 'circuit open'],
        ['secondary', null],
      ]);
    }
    expect(primary.received).toHaveLength(0);
    expect(secondary.received).toHaveLength(3);

    // The router publishes closed once the cooldown has passed; the gateway probes, then stays.
    await sleep(openMs + 50);
    await verdict('closed', null);
    for (let i = 0; i < 2; i++) expect((await chat()).provider).toBe('primary');
    expect(primary.received).toHaveLength(2);
  });

  it('ignores a verdict whose time has passed (a router that stopped before closing it)', async () => {
    await verdict('open', Date.now() - 1_000);
    expect((await chat()).provider).toBe('primary');
    expect(secondary.received).toHaveLength(0);
    await verdict('closed', null);
  });
});
