import type { RouteDefinition } from '@optscale/admin-api';
import { pricingRoutes } from './pricing.routes';
import { providerRoutes } from './provider.routes';
import { routingRuleRoutes } from './routing-rule.routes';

/** Every route of the router service, for the OpenAPI document and the entry points. */
export const routerRoutes: readonly RouteDefinition[] = [
  ...Object.values(providerRoutes),
  ...Object.values(pricingRoutes),
  ...Object.values(routingRuleRoutes),
];
