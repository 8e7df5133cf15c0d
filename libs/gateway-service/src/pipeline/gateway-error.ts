/**
 * The gateway's own failures, by kind. Each surface maps a kind to its dialect's status and error
 * envelope once, at the edge (transport/client-codecs.ts).
 */
export type GatewayErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'request_too_large'
  | 'rate_limit'
  /** A budget of the key, its owner, a team or the organization would be exceeded (budgets/). */
  | 'budget_exceeded'
  /** A requests- or tokens-per-minute limit of one of those scopes is reached (budgets/). */
  | 'rate_limited'
  | 'upstream_unavailable'
  /** The gateway itself cannot serve yet (its configuration is still loading). */
  | 'unavailable'
  | 'timeout'
  | 'internal';

const STATUS: Record<GatewayErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limit: 429,
  budget_exceeded: 429,
  rate_limited: 429,
  upstream_unavailable: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

export class GatewayError extends Error {
  readonly status: number;

  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
    readonly param: string | null = null,
    /** Extra response headers, e.g. `retry-after`. */
    readonly headers: Record<string, string> = {},
    /** The OpenAI dialect's `type` and `code` when the status alone does not say it (`insufficient_quota`). */
    readonly dialect: { openAIType?: string; openAICode?: string } = {},
  ) {
    super(message);
    this.status = STATUS[kind];
  }
}
