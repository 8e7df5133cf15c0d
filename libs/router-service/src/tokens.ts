/** The router's snapshot publisher of `optscale.config.providers.v1`, for its services to `sync`. */
export const PROVIDERS_PUBLISHER = Symbol('PROVIDERS_PUBLISHER');

/** The router's snapshot publisher of `optscale.config.routes.v1`. */
export const ROUTES_PUBLISHER = Symbol('ROUTES_PUBLISHER');

/** The router's snapshot publisher of `optscale.config.pricing.v1` (the organizations' own prices). */
export const PRICING_PUBLISHER = Symbol('PRICING_PUBLISHER');
