/** Nest injection token of the analytics store (`ClickHouse` of @optscale/clickhouse). */
export const ANALYTICS_STORE = Symbol('ANALYTICS_STORE');
