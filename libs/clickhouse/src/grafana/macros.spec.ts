import { expandGrafanaSql, GrafanaMacroError } from './macros';

const context = {
  from: new Date('2026-11-20T10:00:00.250Z'),
  to: new Date('2026-11-20T12:30:00.750Z'),
  intervalSeconds: 60,
  variables: { organization: ['org_1', "o'2"], model: ['gpt-4o'] },
};

describe('Grafana ClickHouse macro expansion', () => {
  it('expands time macros like the plugin (unix seconds, milliseconds, dates)', () => {
    expect(expandGrafanaSql('WHERE $__timeFilter(started_at) AND x < $__toTime', context)).toBe(
      'WHERE started_at >= toDateTime(1795168800) AND started_at <= toDateTime(1795177800) AND x < toDateTime(1795177800)',
    );
    expect(expandGrafanaSql('$__fromTime_ms $__timeFilter_ms( t )', context)).toBe(
      'fromUnixTimestamp64Milli(1795168800250) t >= fromUnixTimestamp64Milli(1795168800250) AND t <= fromUnixTimestamp64Milli(1795177800750)',
    );
    expect(expandGrafanaSql('$__dateFilter(d)', context)).toBe(
      "d >= toDate('2026-11-20') AND d <= toDate('2026-11-20')",
    );
    expect(expandGrafanaSql('$__dt(d, t)', context)).toBe(
      "(d >= toDate('2026-11-20') AND d <= toDate('2026-11-20')) AND (t >= toDateTime(1795168800) AND t <= toDateTime(1795177800))",
    );
  });

  it('expands interval macros, including toStartOfInterval that 18.16 lacks', () => {
    expect(expandGrafanaSql('$__timeInterval(toDateTime(hour))', context)).toBe(
      'toStartOfInterval(toDateTime(toDateTime(hour)), INTERVAL 60 second)',
    );
    expect(expandGrafanaSql('intDiv(x, $__interval_s)', { ...context, intervalSeconds: 0.2 })).toBe(
      'intDiv(x, 1)',
    );
  });

  it('interpolates template variables in Grafana formats before macros', () => {
    expect(expandGrafanaSql('IN (${organization:singlequote}) AND m = $model', context)).toBe(
      "IN ('org_1','o\\'2') AND m = gpt-4o",
    );
  });

  it('refuses what it cannot expand faithfully', () => {
    expect(() => expandGrafanaSql('$__unknown(x)', context)).toThrow(GrafanaMacroError);
    expect(() => expandGrafanaSql('$team', context)).toThrow(/unknown template variable/);
    expect(() => expandGrafanaSql('$__timeFilter(a, b)', context)).toThrow(/expects 1 argument/);
    expect(() => expandGrafanaSql('$__timeFilter(a', context)).toThrow(/unbalanced/);
    expect(() => expandGrafanaSql('${organization:json}', context)).toThrow(/not supported/);
  });
});
