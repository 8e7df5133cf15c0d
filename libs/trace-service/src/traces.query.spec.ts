import { existingRequestIdsSql, listTracesSql, traceDetailSql, traceWhere } from './traces.query';

const range = { fromMs: 1_763_600_000_500, toMs: 1_763_686_400_000 };

describe('trace queries', () => {
  it('scopes to the organization and the exact range, binding every filter value', () => {
    expect(
      traceWhere({
        organizationId: 'org-1',
        range,
        userId: "o'brien",
        provider: 'openai-main',
        status: 'error',
      }),
    ).toBe(
      "organization_id = 'org-1' AND started_at >= toDateTime(1763600000) AND started_at <= toDateTime(1763686400)" +
        " AND started_at_ms >= 1763600000500 AND started_at_ms < 1763686400000 AND user_id = 'o\\'brien'" +
        " AND provider = 'openai-main' AND status >= 400",
    );
    expect(traceWhere({ organizationId: 'o', range, status: 429 })).toMatch(/ AND status = 429$/);
    expect(traceWhere({ organizationId: 'o', range, status: 'ok' })).toMatch(/ AND status < 400$/);
  });

  it('sorts by whitelisted expressions with a stable tie-break, reads FINAL, pages with LIMIT', () => {
    const text = listTracesSql({ organizationId: 'o', range }, 'tokens', 'asc', 25, 50);
    expect(text).toContain('FROM traces FINAL');
    expect(text).toContain(
      'ORDER BY (input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) ASC, request_id ASC',
    );
    expect(text.endsWith('LIMIT 50, 25')).toBe(true);
    expect(traceDetailSql('o', "x' OR 1=1 --")).toBe(
      "SELECT * FROM traces FINAL WHERE organization_id = 'o' AND request_id = 'x\\' OR 1=1 --' LIMIT 1",
    );
  });

  it('checks stored request ids within the batch organizations and time range', () => {
    const text = existingRequestIdsSql(
      [
        { organizationId: 'a', requestId: 'r1' },
        { organizationId: 'a', requestId: 'r2' },
        { organizationId: 'b', requestId: 'r3' },
      ],
      { fromMs: 1000, toMs: 5001 },
    );
    expect(text).toContain("organization_id IN ('a', 'b') AND request_id IN ('r1', 'r2', 'r3')");
    expect(text).toContain('started_at >= toDateTime(1) AND started_at <= toDateTime(6)');
  });
});
