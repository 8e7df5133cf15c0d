import {
  policyMessageKey,
  type GuardrailSnapshot,
  type PolicySnapshot,
  type RequestEvent,
} from '@optscale/contracts';
import { eventually, startMockProvider, type MockProvider } from '@optscale/testing';
import { startBusStack, type BusStack } from './bus-stack';

/**
 * A gateway fed from the config topics (the routing suite's bus stack), with an OpenAI and an
 * Anthropic mock provider, one user with one key, and policies published as the policy service
 * would: one snapshot per policy with its guardrails embedded.
 */
export interface PolicyStack {
  stack: BusStack;
  openai: MockProvider;
  anthropic: MockProvider;
  key: string;
  base: string;
  putPolicy(input: PolicyInput): Promise<PolicySnapshot>;
  deletePolicy(id: string): Promise<void>;
  /** The recorded event of a request, once the record stage has emitted it. */
  event(requestId: string): Promise<RequestEvent>;
  close(): Promise<void>;
}

export type PolicyInput = Partial<PolicySnapshot> & Pick<PolicySnapshot, 'id' | 'guardrails'>;

/** A guardrail with defaults for everything but its id and settings. */
export function guardrail(
  input: Partial<GuardrailSnapshot> & Pick<GuardrailSnapshot, 'id' | 'settings'>,
): GuardrailSnapshot {
  return { name: input.id, stage: 'both', threshold: 0.5, action: 'redact', ...input };
}

export async function startPolicyStack(): Promise<PolicyStack> {
  const stack = await startBusStack();
  const openai = await startMockProvider('openai', { models: ['gpt-4.1'], apiKey: 'upstream-openai' });
  const anthropic = await startMockProvider('anthropic', {
    models: ['claude-sonnet-4-6'],
    apiKey: 'upstream-anthropic',
  });
  await stack.putProvider({
    proxyName: 'openai',
    apiType: 'openai',
    baseUrl: openai.url,
    apiKey: 'upstream-openai',
    models: ['gpt-4.1'],
  });
  await stack.putProvider({
    proxyName: 'anthropic',
    apiType: 'anthropic',
    baseUrl: anthropic.url,
    apiKey: 'upstream-anthropic',
    models: ['claude-sonnet-4-6'],
    position: 1,
  });
  await stack.putAccess('user-1', ['openai', 'anthropic']);
  const key = await stack.addKey('user-1');
  const org = () => stack.gateway.runtime.state().organizations.get(stack.organizationId);
  return {
    stack,
    openai,
    anthropic,
    key,
    base: stack.base,
    async putPolicy(input) {
      const policy: PolicySnapshot = {
        organizationId: stack.organizationId,
        name: input.id,
        enabled: true,
        condition: '',
        stage: 'both',
        samplingRate: 1,
        timeoutMs: 1500,
        passOnTimeout: false,
        requestTypes: [],
        reversibleRedaction: false,
        ...input,
      };
      await stack.bus.publish(
        'optscale.config.policies.v1',
        policyMessageKey(stack.organizationId, policy.id),
        policy,
      );
      await eventually(() => expect(org()?.policies.find((p) => p.id === policy.id)).toEqual(policy));
      return policy;
    },
    async deletePolicy(id) {
      await stack.bus.publishRaw(
        'optscale.config.policies.v1',
        policyMessageKey(stack.organizationId, id),
        null,
      );
      await eventually(() => {
        if (org()?.policies.some((p) => p.id === id)) throw new Error(`policy ${id} still applied`);
      });
    },
    async event(requestId) {
      let found: RequestEvent | undefined;
      await eventually(() => {
        found = stack.gateway.runtime.recent.find(requestId);
        if (found === undefined) throw new Error(`no event for ${requestId} yet`);
      });
      return found as RequestEvent;
    },
    async close() {
      await stack.close();
      await Promise.all([openai.close(), anthropic.close()]);
    },
  };
}
