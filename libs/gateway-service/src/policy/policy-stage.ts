import type { ConditionVariables } from '@optscale/conditions';
import type { PolicyEvaluation, RequestType } from '@optscale/contracts';
import type { KeyRecord } from '../config/gateway-state';
import { GatewayError } from '../pipeline/gateway-error';
import { clock, type RequestContext } from '../pipeline/request-context';
import type { ClientCodec } from '../transport/client-codecs';
import { compiledPolicies } from './compiled-policies';
import { evaluateTexts, slotTexts } from './evaluate-texts';
import { OutputPolicies } from './output-policies';
import { organizationSecret, RequestPlaceholders } from './placeholders';
import { selectPolicies } from './select-policies';
import { requestTextSlots, type Json } from './text-slots';

export interface PolicyStageOptions {
  /** 0..1, for sampling (tests pin it). */
  random?: () => number;
  /** Operator log lines (a policy that does not compile). */
  log?: (line: string) => void;
  now?: () => number;
}

/** The prompt as it goes to the provider, and what the answer stage has to do. */
export interface InputStageResult {
  /** The client's bytes when no policy changed the prompt, else the rewritten body. */
  raw: Buffer;
  changed: boolean;
  output?: OutputPolicies;
}

/** Body fields that are the prompt or the tools, not parameters (`params` in conditions). */
const NOT_PARAMS = new Set(['messages', 'input', 'tools']);

/**
 * The input half of the policy stage, on the client's own JSON (PRODUCT.md 4.7, 4.8, 8): runs the
 * organization's applicable policies over the prompt text, before the provider call, whichever way
 * the request then goes (forwarded or translated). Redaction edits the parsed body in place and
 * re-serialises it (JSON keeps field order); a prompt no policy changed is sent as its very bytes.
 */
export class PolicyStage {
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly log: ((line: string) => void) | undefined;

  constructor(options: PolicyStageOptions = {}) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? clock;
    this.log = options.log;
  }

  input(ctx: RequestContext, codec: ClientCodec, body: Json, raw: Buffer): InputStageResult {
    const key = ctx.key;
    if (key === undefined) return { raw, changed: false };
    const policies = compiledPolicies(key.organization, this.log);
    if (policies.length === 0) return { raw, changed: false };
    const requestType: RequestType = codec.name === 'openai-responses' ? 'responses' : 'chat_completion';
    const applied = selectPolicies(
      policies,
      requestType,
      () => conditionVariables(ctx, key, body, requestType),
      this.random,
    );
    if (applied.length === 0) return { raw, changed: false };

    const record: PolicyEvaluation[] = (ctx.policies ??= []);
    const placeholders = new RequestPlaceholders(organizationSecret(key.organization.id));
    const slots = requestTextSlots(codec.name, body);
    const result = evaluateTexts(applied, slotTexts(slots), {
      stage: 'input',
      placeholder: (reversible) => placeholders.maker(reversible),
      now: this.now,
      record,
    });
    if (result.block) {
      const b = result.block;
      // Names what was found, never the value: the message reaches logs and the trace.
      throw new GatewayError(
        'invalid_request',
        `request blocked by policy "${b.policyName}": guardrail "${b.guardrailName}" found ${b.entity}`,
      );
    }
    const output = OutputPolicies.create(ctx, codec, applied, placeholders, this.now);
    const out: InputStageResult = {
      raw: result.changed ? Buffer.from(JSON.stringify(body)) : raw,
      changed: result.changed,
    };
    if (output) out.output = output;
    return out;
  }
}

function conditionVariables(
  ctx: RequestContext,
  key: KeyRecord,
  body: Json,
  requestType: RequestType,
): ConditionVariables {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value === undefined) continue;
    // Credentials never reach a condition (nor, through it, an error message).
    if (name === 'authorization' || name === 'x-api-key' || name === 'api-key' || name === 'x-goog-api-key')
      continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) if (!NOT_PARAMS.has(name)) params[name] = value;
  return {
    model: ctx.clientModel ?? '',
    // Routing has run: the provider the request will actually reach.
    provider: ctx.provider?.proxyName ?? '',
    request_type: requestType,
    headers,
    params,
    key_id: key.id,
    key_name: key.name,
    user_id: key.user.id,
    team_ids: [...key.user.teamIds],
    budget_used: 0,
  };
}
