import { BreakerRegistry, CircuitBreaker, DEFAULT_BREAKER } from './breaker';

const options = { failureRateThreshold: 0.5, minimumRequests: 4, windowMs: 10_000, cooldownMs: 5_000 };

function setup() {
  const clock = { now: 1_000_000 };
  const breaker = new CircuitBreaker(options, () => clock.now);
  const record = (...outcomes: boolean[]) => outcomes.forEach((o) => breaker.record(o));
  return { clock, breaker, record };
}

describe('CircuitBreaker', () => {
  it('stays closed below minimumRequests however bad the rate', () => {
    const { breaker, record } = setup();
    record(false, false, false);
    expect(breaker.state()).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens at the threshold once minimumRequests is reached', () => {
    const { breaker, record } = setup();
    record(true, true, false);
    expect(breaker.state()).toBe('closed');
    record(false); // 2 of 4 = 0.5
    expect(breaker.state()).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('stays closed below the threshold', () => {
    const { breaker, record } = setup();
    record(true, true, true, false, true, false); // 2 of 6
    expect(breaker.state()).toBe('closed');
  });

  it('lets exactly one probe through after the cooldown; success closes', () => {
    const { clock, breaker, record } = setup();
    record(false, false, false, false);
    clock.now += options.cooldownMs - 1;
    expect(breaker.tryAcquire()).toBe(false);
    clock.now += 1;
    expect(breaker.state()).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    record(true);
    expect(breaker.state()).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    // The old failures are gone: one new failure does not re-open.
    record(false);
    expect(breaker.state()).toBe('closed');
  });

  it('re-opens for another cooldown when the probe fails', () => {
    const { clock, breaker, record } = setup();
    record(false, false, false, false);
    clock.now += options.cooldownMs;
    expect(breaker.tryAcquire()).toBe(true);
    record(false);
    expect(breaker.state()).toBe('open');
    clock.now += options.cooldownMs - 1;
    expect(breaker.state()).toBe('open');
    clock.now += 1;
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('ignores outcomes recorded while open', () => {
    const { clock, breaker, record } = setup();
    record(false, false, false, false);
    record(true, true, true);
    expect(breaker.state()).toBe('open');
    clock.now += options.cooldownMs;
    expect(breaker.state()).toBe('half_open');
  });

  it('forgets outcomes older than the window', () => {
    const { clock, breaker, record } = setup();
    record(false, false, false);
    // Bucket granularity is windowMs / 10, so an outcome is gone by 1.1 × windowMs.
    clock.now += options.windowMs * 1.1;
    record(false, true, true, true);
    expect(breaker.state()).toBe('closed');
    record(false, false, false, false);
    expect(breaker.state()).toBe('open');
  });

  it('can be forced open until a given time', () => {
    const { clock, breaker } = setup();
    breaker.forceOpen(clock.now + 100);
    expect(breaker.state()).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    clock.now += 100;
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('BreakerRegistry', () => {
  it('creates one breaker per target on demand and reports their states', () => {
    let now = 0;
    const registry = new BreakerRegistry(DEFAULT_BREAKER, () => now);
    expect(registry.get('openai/gpt-4.1')).toBe(registry.get('openai/gpt-4.1'));
    registry.get('anthropic/claude').forceOpen(1000);
    expect(registry.states()).toEqual({ 'openai/gpt-4.1': 'closed', 'anthropic/claude': 'open' });
    now = 1000;
    expect(registry.states()['anthropic/claude']).toBe('half_open');
  });
});
