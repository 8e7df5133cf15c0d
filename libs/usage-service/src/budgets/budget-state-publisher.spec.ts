import { InProcessBus, type BusMessage } from '@optscale/bus';
import { budgetMessageKey, type BudgetSnapshot } from '@optscale/contracts';
import { eventually } from '@optscale/testing';
import { BudgetStatePublisher, type SpendReader } from './budget-state-publisher';
import type { SpendQuery } from './spend-sql';
import { spendWindow } from './spend-window';

const ORG = 'org-1';
const NOW = Date.parse('2028-02-29T13:37:00Z');

const budget = (overrides: Partial<BudgetSnapshot> & Pick<BudgetSnapshot, 'id'>): BudgetSnapshot => ({
  organizationId: ORG,
  name: null,
  scope: 'user',
  scopeId: 'user-1',
  amountUsd: '10',
  period: 'monthly',
  resetMode: 'calendar',
  requestsPerMinute: null,
  tokensPerMinute: null,
  active: true,
  updatedAt: new Date(NOW).toISOString(),
  ...overrides,
});

describe('spend windows over usage_hourly', () => {
  it('sums a calendar period from its first hour through the current one', () => {
    const w = spendWindow({ period: 'monthly', resetMode: 'calendar' }, NOW);
    expect(new Date(w.window.startMs).toISOString()).toBe('2028-02-01T00:00:00.000Z');
    expect(new Date(w.window.endMs).toISOString()).toBe('2028-03-01T00:00:00.000Z');
    expect(new Date(w.fromSec * 1000).toISOString()).toBe('2028-02-01T00:00:00.000Z');
    expect(new Date(w.toSec * 1000).toISOString()).toBe('2028-02-29T14:00:00.000Z');
  });

  it('sums only the whole hours of a rolling period, so that the published floor never overcounts', () => {
    const w = spendWindow({ period: 'daily', resetMode: 'rolling' }, NOW);
    expect(new Date(w.window.startMs).toISOString()).toBe('2028-02-28T13:37:00.000Z');
    expect(new Date(w.fromSec * 1000).toISOString()).toBe('2028-02-28T14:00:00.000Z');
    expect(new Date(w.toSec * 1000).toISOString()).toBe('2028-02-29T14:00:00.000Z');
  });
});

describe('budget state publisher', () => {
  let bus: InProcessBus;
  let publisher: BudgetStatePublisher;
  const states: BusMessage<'optscale.budget.state.v1'>[] = [];
  const queries: SpendQuery[] = [];
  let spend = 1_500_000_000n;
  const reader: SpendReader = {
    spentNanos: (q) => {
      queries.push(q);
      return Promise.resolve(spend);
    },
  };

  beforeAll(async () => {
    bus = new InProcessBus();
    await bus.subscribe('optscale.budget.state.v1', (m) => void states.push(m), {
      onInvalid: (m) => {
        throw new Error(m.error);
      },
    });
    for (const b of [
      budget({ id: 'calendar' }),
      budget({ id: 'rolling', scope: 'team', scopeId: 'team-1', resetMode: 'rolling', period: 'weekly' }),
      budget({ id: 'rate-only', amountUsd: null, requestsPerMinute: 10 }),
      budget({ id: 'inactive', active: false }),
    ]) {
      await bus.publish('optscale.config.budgets.v1', budgetMessageKey(ORG, b.id), b);
    }
    publisher = new BudgetStatePublisher({
      bus,
      reader,
      intervalMs: 3_600_000,
      now: () => NOW,
      log: () => undefined,
    });
    await publisher.start();
  });
  afterAll(async () => {
    await publisher.close();
    await bus.close();
  });

  it('publishes the spend of each active budget with an amount, in its current period', async () => {
    await eventually(() => expect(states).toHaveLength(2));
    expect(states.map((m) => m.key).sort()).toEqual([`${ORG}/calendar`, `${ORG}/rolling`]);
    expect(states.find((m) => m.key === `${ORG}/calendar`)?.value).toEqual({
      organizationId: ORG,
      budgetId: 'calendar',
      scope: 'user',
      scopeId: 'user-1',
      windowStart: '2028-02-01T00:00:00.000Z',
      windowEnd: '2028-03-01T00:00:00.000Z',
      spentNanos: '1500000000',
      updatedAt: '2028-02-29T13:37:00.000Z',
    });
    expect(queries.find((q) => q.scope === 'team')).toEqual(
      expect.objectContaining({ organizationId: ORG, scopeId: 'team-1' }),
    );
  });

  it('republishes a calendar state only when it changes, a rolling one every pass', async () => {
    const before = states.length;
    await publisher.publishOnce();
    expect(states.slice(before).map((m) => m.key)).toEqual([`${ORG}/rolling`]);
    spend = 2_000_000_000n;
    await publisher.publishOnce();
    expect(states.slice(before + 1).map((m) => [m.key, m.value?.spentNanos])).toEqual(
      expect.arrayContaining([
        [`${ORG}/calendar`, '2000000000'],
        [`${ORG}/rolling`, '2000000000'],
      ]),
    );
  });

  it('tombstones the state of a budget that is deleted or deactivated', async () => {
    await bus.publish('optscale.config.budgets.v1', budgetMessageKey(ORG, 'calendar'), null);
    await bus.publish(
      'optscale.config.budgets.v1',
      budgetMessageKey(ORG, 'rolling'),
      budget({ id: 'rolling', scope: 'team', scopeId: 'team-1', resetMode: 'rolling', active: false }),
    );
    const before = states.length;
    // The bus delivers the changes asynchronously: pass again until both have been folded.
    await eventually(async () => {
      await publisher.publishOnce();
      expect(states.slice(before).map((m) => [m.key, m.value])).toEqual(
        expect.arrayContaining([
          [`${ORG}/calendar`, null],
          [`${ORG}/rolling`, null],
        ]),
      );
    });
    expect(publisher.check().detail).toEqual(expect.objectContaining({ lastError: null }));
  });

  it('keeps going and reports it when the store fails', async () => {
    await bus.publish('optscale.config.budgets.v1', budgetMessageKey(ORG, 'again'), budget({ id: 'again' }));
    const failing = new BudgetStatePublisher({
      bus,
      reader: { spentNanos: () => Promise.reject(new Error('clickhouse is down')) },
      intervalMs: 3_600_000,
      now: () => NOW,
      log: () => undefined,
    });
    await failing.start();
    const report = failing.check();
    expect(report.degraded).toBe(true);
    expect(JSON.stringify(report.detail)).toContain('clickhouse is down');
    await failing.close();
  });
});
