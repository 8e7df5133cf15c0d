export { createTraceService, traceServiceRoutes, type TraceServiceDeps } from './trace-service';
export { TraceCollector, TRACE_COLLECTOR_GROUP, type TraceCollectorOptions } from './trace-collector';
export { toTraceRow, fromEmpty, fromNullableMs, NULL_MS, type TraceRow } from './trace-row';
export { uniqueByRequestId, startedRange } from './dedupe';
export * from './traces.query';
export * from './traces.routes';
export { TracesService, ownerScope, rangeOrProblem } from './traces.service';
export { toDetail, toListItem, toSummary, rate, roundMs } from './trace-view';
export * from './time-range';
export * from './money';
export { ANALYTICS_STORE } from './tokens';
export { clickhouseCheck } from './clickhouse-check';
export {
  analyticsEnvSchema,
  busCheck,
  runAnalyticsService,
  type AnalyticsEnv,
  type AnalyticsServiceDefinition,
} from './analytics-runner';
