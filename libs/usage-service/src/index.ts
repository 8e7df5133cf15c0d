export {
  createUsageService,
  usageServiceRoutes,
  type UsageServiceDeps,
  type UsageServiceExtension,
} from './usage-service';
export { UsageAggregator, COST_AGGREGATOR_GROUP, USAGE_METRIC_NAMES } from './usage-aggregator';
export { UsageService } from './usage.service';
export * from './usage.routes';
export * from './usage.query';
export * from './measures';
export { bucketStarts, fillGaps } from './gap-fill';
export { csvCell, toCsv, type CsvCell } from './csv';
export * from './budgets';
