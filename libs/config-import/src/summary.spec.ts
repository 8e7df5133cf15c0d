import { emptySummary, formatSummary, isNoop } from './summary';

describe('import summary', () => {
  it('formats one aligned line per entity kind', () => {
    const summary = emptySummary();
    summary.providers.created = 2;
    summary.virtualKeys.unchanged = 1;
    expect(formatSummary(summary).split('\n')).toEqual([
      'organizations  0 created, 0 updated, 0 unchanged',
      'providers      2 created, 0 updated, 0 unchanged',
      'users          0 created, 0 updated, 0 unchanged',
      'virtual keys   0 created, 0 updated, 1 unchanged',
    ]);
  });

  it('is a no-op when nothing was created or updated', () => {
    const summary = emptySummary();
    summary.users.unchanged = 3;
    expect(isNoop(summary)).toBe(true);
    summary.users.updated = 1;
    expect(isNoop(summary)).toBe(false);
  });
});
