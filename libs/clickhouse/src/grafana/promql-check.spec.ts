import { checkPromQl } from './promql-check';

describe('PromQL check', () => {
  it('accepts balanced expressions on exported metrics, histogram series included', () => {
    expect(
      checkPromQl(
        'histogram_quantile(0.95, sum by (le, table) (rate(optscale_clickhouse_insert_duration_seconds_bucket[$__rate_interval])))',
      ),
    ).toEqual([]);
    expect(
      checkPromQl(
        'sum(rate(optscale_gateway_requests_total{status_class=~"4xx|5xx",x="a)b"}[5m])) * 3600 / 1e9',
      ),
    ).toEqual([]);
  });

  it('reports unknown metrics, suffixes on non-histograms and imbalance', () => {
    expect(checkPromQl('rate(optscale_gateway_requests[5m])')).toEqual([
      'unknown metric optscale_gateway_requests',
    ]);
    expect(checkPromQl('optscale_event_spool_bytes_bucket')).toEqual([
      'unknown metric optscale_event_spool_bytes_bucket',
    ]);
    expect(checkPromQl('sum(rate(optscale_gateway_tokens_total[5m])')).toEqual(['unclosed (']);
    expect(checkPromQl('sum(optscale_gateway_tokens_total{kind="a"}))')).toEqual(['unbalanced )']);
    expect(checkPromQl('sum(optscale_gateway_tokens_total{kind="a})')).toContain(
      'unterminated string literal',
    );
    expect(checkPromQl('vector(1)')).toEqual(['reads no metric']);
  });
});
