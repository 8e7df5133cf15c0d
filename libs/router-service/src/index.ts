export { createRouterService } from './router-service';
export { routerRoutes } from './routes';
export { providerRoutes } from './provider.routes';
export { pricingRoutes } from './pricing.routes';
export { listUpstreamModels, DiscoveryError } from './discovery';
export type { DiscoveryTarget, DiscoveryOptions } from './discovery';
export { DECIMAL_PATTERN, normalizeDecimal } from './decimal';
export { DEFAULT_BASE_URLS } from './provider-defaults';
