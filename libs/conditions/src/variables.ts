import { CelScalar, listType, mapType } from '@bufbuild/cel';
import type { CelInput, CelListType, CelMapType } from '@bufbuild/cel';

/** What a condition can see of a request (PRODUCT.md 4.6). Field names are the CEL variable names. */
export interface ConditionVariables {
  /** The model the client asked for, as sent (e.g. `openai/gpt-4.1` or `smart`). */
  model: string;
  /** The provider proxy name when the model named one, else "". */
  provider: string;
  /** `chat_completion` | `responses` | `embeddings` | `count_tokens`. */
  request_type: string;
  /** Request headers with lower-cased names. */
  headers: Record<string, string>;
  /** Top-level request body fields except messages/input/tools (temperature, max_tokens, stream…). */
  params: Record<string, unknown>;
  key_id: string;
  key_name: string;
  user_id: string;
  team_ids: string[];
  /** 0..1 share of the tightest budget used (0 until budgets exist). */
  budget_used: number;
}

/**
 * The CEL declaration of every variable. `params` holds arbitrary JSON, so its values are `dyn`:
 * their type is only known when the request arrives.
 */
type Str = typeof CelScalar.STRING;

/* Spelled out because the inferred type names a private symbol of @bufbuild/cel (TS4023). */
type CelVariables = {
  readonly model: Str;
  readonly provider: Str;
  readonly request_type: Str;
  readonly headers: CelMapType<Str, Str>;
  readonly params: CelMapType<Str, typeof CelScalar.DYN>;
  readonly key_id: Str;
  readonly key_name: Str;
  readonly user_id: Str;
  readonly team_ids: CelListType<Str>;
  readonly budget_used: typeof CelScalar.DOUBLE;
};

export const CEL_VARIABLES: CelVariables = {
  model: CelScalar.STRING,
  provider: CelScalar.STRING,
  request_type: CelScalar.STRING,
  headers: mapType(CelScalar.STRING, CelScalar.STRING),
  params: mapType(CelScalar.STRING, CelScalar.DYN),
  key_id: CelScalar.STRING,
  key_name: CelScalar.STRING,
  user_id: CelScalar.STRING,
  team_ids: listType(CelScalar.STRING),
  budget_used: CelScalar.DOUBLE,
};

// Does not compile if a request field lacks a CEL declaration or the other way round.
type Keys<T> = [keyof T];
const _sameNames: Keys<CelVariables> extends Keys<ConditionVariables>
  ? Keys<ConditionVariables> extends Keys<CelVariables>
    ? true
    : never
  : never = true;

/** Variable names, for docs and error messages. */
export const CONDITION_VARIABLES: readonly string[] = Object.freeze(Object.keys(CEL_VARIABLES));

type Bindings = { [K in keyof typeof CEL_VARIABLES]: CelInput<(typeof CEL_VARIABLES)[K]> };

/** Deeper JSON than this in `params` is left out: no rule needs it and it bounds the work per request. */
const MAX_PARAM_DEPTH = 8;

/**
 * Converts request JSON to CEL input. Objects become `Map`s rather than plain objects so that keys
 * such as `constructor` never resolve to `Object.prototype` members; values CEL has no type for
 * (undefined, functions, symbols) are dropped, so a condition sees them as absent keys.
 */
function toCel(value: unknown, depth: number): CelInput | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
    case 'bigint':
      return value;
    case 'object': {
      if (value === null) return null;
      if (depth >= MAX_PARAM_DEPTH) return undefined;
      if (Array.isArray(value)) {
        return value.map((item: unknown) => toCel(item, depth + 1) ?? null);
      }
      const map = new Map<string, CelInput>();
      for (const [key, item] of Object.entries(value)) {
        const converted = toCel(item, depth + 1);
        if (converted !== undefined) map.set(key, converted);
      }
      return map;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
}

function stringMap(record: Record<string, string>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') map.set(key, value);
  }
  return map;
}

/**
 * Converts a request to CEL bindings. `headers` and `params` are copied into `Map`s, which is most
 * of the cost of an evaluation, so only when the condition reads them (`used`).
 */
export function toBindings(vars: ConditionVariables, used: ReadonlySet<string>): Bindings {
  const params = new Map<string, CelInput>();
  if (used.has('params')) {
    for (const [key, value] of Object.entries(vars.params)) {
      const converted = toCel(value, 1);
      if (converted !== undefined) params.set(key, converted);
    }
  }
  return {
    model: vars.model,
    provider: vars.provider,
    request_type: vars.request_type,
    headers: used.has('headers') ? stringMap(vars.headers) : new Map<string, string>(),
    params,
    key_id: vars.key_id,
    key_name: vars.key_name,
    user_id: vars.user_id,
    team_ids: vars.team_ids,
    budget_used: vars.budget_used,
  };
}
