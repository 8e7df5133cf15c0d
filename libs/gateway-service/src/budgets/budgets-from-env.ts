import type { Bus } from '@optscale/bus';
import type { GatewayEnv } from '../gateway-env';
import { BudgetEnforcement } from './budget-enforcement';
import type { CostEstimator } from './cost-estimator';

/** The budget stage as the environment configures it (OPTSCALE_REDIS_URL and friends, gateway-env.ts). */
export function budgetEnforcementFromEnv(env: GatewayEnv, bus: Bus, costs: CostEstimator): BudgetEnforcement {
  return new BudgetEnforcement({
    bus,
    ...(env.OPTSCALE_REDIS_URL !== undefined ? { redisUrl: env.OPTSCALE_REDIS_URL } : {}),
    costs,
    failMode: env.OPTSCALE_BUDGET_FAIL_MODE,
    defaultMaxOutputTokens: env.OPTSCALE_BUDGET_DEFAULT_MAX_TOKENS,
    rateWindowMs: env.OPTSCALE_RATE_LIMIT_WINDOW_MS,
    keyPrefix: env.OPTSCALE_REDIS_KEY_PREFIX,
  });
}
