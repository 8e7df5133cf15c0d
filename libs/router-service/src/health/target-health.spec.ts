import type { RouteAttempt, TargetHealth } from '@optscale/contracts';
import { outcomeOf, TargetHealthTracker } from './target-health';

const ORG = 'org-1';
const OPTIONS = { failureRateThreshold: 0.5, minimumRequests: 4, windowMs: 10_000, cooldownMs: 5_000 };
const START = Date.parse('2025-06-01T12:00:00.000Z');

const attempt = (overrides: Partial<RouteAttempt> = {}): RouteAttempt => ({
  provider: 'ollama-lab',
  model: 'meta-llama/llama3:70b',
  role: 'primary',
  status: 200,
  latencyMs: 12,
  error: null,
  ...overrides,
});
const ok = attempt();
const failed = attempt({ status: 503, error: 'status 503' });
const KEY = `${ORG}/ollama-lab/meta-llama/llama3:70b`;

function setup() {
  const clock = { now: START };
  const tracker = new TargetHealthTracker(OPTIONS, () => clock.now);
  const feed = (...attempts: RouteAttempt[]): Array<TargetHealth | undefined> =>
    attempts.map((a) => {
      const key = tracker.record(ORG, a);
      const message = key === undefined ? undefined : tracker.pending(key);
      if (message !== undefined) tracker.confirm(message);
      return message;
    });
  return { clock, tracker, feed };
}

describe('outcomeOf', () => {
  it('judges attempts as the gateway route stage does', () => {
    expect(outcomeOf(ok)).toBe(true);
    expect(outcomeOf(failed)).toBe(false);
    expect(outcomeOf(attempt({ status: 429, error: 'status 429' }))).toBe(false);
    expect(outcomeOf(attempt({ status: null, error: 'timeout' }))).toBe(false);
    expect(outcomeOf(attempt({ status: null, error: 'connection' }))).toBe(false);
    // The request's fault, not the target's.
    expect(outcomeOf(attempt({ status: 400, error: 'status 400' }))).toBe(true);
    // Never sent: no outcome.
    expect(outcomeOf(attempt({ status: null, error: 'circuit open' }))).toBeUndefined();
  });
});

describe('TargetHealthTracker', () => {
  it('publishes open once the breaker trips, with the window that tripped it', () => {
    const { feed } = setup();
    expect(feed(ok, failed, failed)).toEqual([undefined, undefined, undefined]);
    const [opened] = feed(failed);
    expect(opened).toEqual({
      organizationId: ORG,
      provider: 'ollama-lab',
      model: 'meta-llama/llama3:70b',
      state: 'open',
      openUntil: '2025-06-01T12:00:05.000Z',
      failureRate: 0.75,
      requests: 4,
      updatedAt: '2025-06-01T12:00:00.000Z',
    });
    // Outcomes while open change nothing, and nothing is published twice.
    expect(feed(failed, ok, failed)).toEqual([undefined, undefined, undefined]);
  });

  it('ignores circuit-open attempts and counts 4xx as answers', () => {
    const { feed, tracker } = setup();
    const skipped = attempt({ status: null, error: 'circuit open' });
    const refused = attempt({ status: 400, error: 'status 400' });
    // Counted as failures, either would trip the breaker (1 of 4 is under the threshold).
    expect(feed(skipped, skipped, skipped, skipped, refused, refused, refused, failed)).toEqual(
      Array.from({ length: 8 }, () => undefined),
    );
    expect(tracker.counts()).toEqual({ open: 0, tracked: 1 });
  });

  it('publishes closed when the cooldown passes without traffic', () => {
    const { clock, tracker, feed } = setup();
    feed(failed, failed, failed, failed);
    clock.now += 4_999;
    expect(tracker.sweep()).toEqual([]);
    clock.now += 1;
    const due = tracker.sweep();
    expect(due).toEqual([
      expect.objectContaining({ state: 'closed', openUntil: null, failureRate: 0, requests: 0 }),
    ]);
    tracker.confirm(due[0]!);
    expect(tracker.sweep()).toEqual([]);
    // The probe that follows succeeds: still closed, nothing new.
    expect(feed(ok)).toEqual([undefined]);
  });

  it('closes on a successful probe before the sweep, and re-opens on a failed one', () => {
    const { clock, feed } = setup();
    feed(failed, failed, failed, failed);
    clock.now += 5_000;
    expect(feed(ok)).toEqual([expect.objectContaining({ state: 'closed' })]);

    feed(failed, failed, failed, failed);
    clock.now += 6_000;
    const [reopened] = feed(failed);
    expect(reopened).toEqual(
      expect.objectContaining({
        state: 'open',
        openUntil: new Date(clock.now + 5_000).toISOString(),
        failureRate: 1,
        requests: 1,
      }),
    );
  });

  it('keeps a message pending until it is confirmed (a failed publish is retried)', () => {
    const { tracker } = setup();
    for (let i = 0; i < 4; i++) tracker.record(ORG, failed);
    expect(tracker.pending(KEY)).toEqual(expect.objectContaining({ state: 'open' }));
    expect(tracker.sweep()).toEqual([expect.objectContaining({ state: 'open' })]);
    tracker.confirm(tracker.pending(KEY)!);
    expect(tracker.sweep()).toEqual([]);
  });

  it('owes no closed for an open that never went out', () => {
    const { clock, tracker } = setup();
    for (let i = 0; i < 4; i++) tracker.record(ORG, failed);
    clock.now += 5_000;
    expect(tracker.sweep()).toEqual([]);
  });

  it('keeps targets apart by organization and forgets idle healthy ones', () => {
    const { clock, tracker } = setup();
    for (let i = 0; i < 4; i++) tracker.record(ORG, failed);
    tracker.confirm(tracker.pending(KEY)!);
    tracker.record('org-2', ok);
    expect(tracker.pending(`org-2/ollama-lab/meta-llama/llama3:70b`)).toBeUndefined();
    expect(tracker.counts()).toEqual({ open: 1, tracked: 2 });
    clock.now += 15_001;
    // org-1's target is due (closed) and stays until that is confirmed; org-2's is forgotten.
    const due = tracker.sweep();
    expect(due.map((m) => [m.organizationId, m.state])).toEqual([[ORG, 'closed']]);
    expect(tracker.counts()).toEqual({ open: 0, tracked: 1 });
    tracker.confirm(due[0]!);
    tracker.sweep();
    expect(tracker.counts()).toEqual({ open: 0, tracked: 0 });
  });
});
