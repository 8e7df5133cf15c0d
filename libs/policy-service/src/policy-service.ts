import { Module } from '@nestjs/common';
import type { RouteDefinition } from '@optscale/admin-api';
import {
  CONTROL_PLANE_CONTEXT,
  SnapshotPublisher,
  type ControlPlaneContext,
  type ServiceUnit,
} from '@optscale/control-plane';
import { GuardrailsController, PoliciesController } from './controllers';
import { guardrailRoutes } from './guardrails/guardrails.routes';
import { GuardrailsService } from './guardrails/guardrails.service';
import { policyCrudRoutes } from './policies/policies.routes';
import { PoliciesService } from './policies/policies.service';
import { policiesSource } from './policies-source';
import { POLICIES_PUBLISHER } from './shared';
import { PolicyStatsConsumer } from './stats/stats-consumer';

/** Every route of the policy service, for the OpenAPI document and the entry points. */
export const policyRoutes: readonly RouteDefinition[] = [
  ...Object.values(guardrailRoutes),
  ...Object.values(policyCrudRoutes),
];

@Module({})
class PolicyServiceModule {}

/**
 * The `policy` control-plane service: guardrails and policies under
 * `/api/v1/organizations/:organizationId/…`; the publisher that keeps `optscale.config.policies.v1`
 * (guardrails embedded) equal to the store; and the consumer (group `policy-stats`) that folds the
 * gateways' request events into the hourly policy statistics. Starting publishes in full, then
 * subscribes; closing stops both.
 */
export function createPolicyService(ctx: ControlPlaneContext): ServiceUnit {
  const publisher = new SnapshotPublisher(ctx.bus, ctx.dataSource, policiesSource, {
    ...(ctx.log ? { log: ctx.log } : {}),
  });
  const stats = new PolicyStatsConsumer(ctx.bus, ctx.dataSource, ctx.log);
  return {
    name: 'policy',
    module: {
      module: PolicyServiceModule,
      controllers: [GuardrailsController, PoliciesController],
      providers: [
        { provide: CONTROL_PLANE_CONTEXT, useValue: ctx },
        { provide: POLICIES_PUBLISHER, useValue: publisher },
        GuardrailsService,
        PoliciesService,
      ],
    },
    routes: policyRoutes,
    readiness: [publisher, stats],
    start: async () => {
      await publisher.start();
      await stats.start();
    },
    close: async () => {
      await stats.close();
      await publisher.close();
    },
  };
}
