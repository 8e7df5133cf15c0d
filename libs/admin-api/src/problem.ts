/**
 * Errors of the admin API, as RFC 9457 problem details (STYLE.md 5: typed errors mapped once at the
 * edge). Handlers throw these; `ProblemFilter` writes them. Messages name fields and entities, never
 * secret values.
 */
export interface FieldProblem {
  /** Dotted path of the offending field, prefixed with where it was: `body.name`, `query.limit`. */
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    /** A stable slug clients can switch on, e.g. `validation`, `not_found`, `conflict`. */
    readonly code: string,
    detail: string,
    readonly errors?: FieldProblem[],
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }

  toBody(): ProblemBody {
    const body: ProblemBody = {
      type: `https://optscale.ai/problems/${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
    };
    if (this.errors?.length) body.errors = this.errors;
    return body;
  }
}

export const problems = {
  validation: (errors: FieldProblem[]): ApiProblem =>
    new ApiProblem(
      400,
      'validation',
      `invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      errors,
    ),
  badRequest: (detail: string, field?: string): ApiProblem =>
    new ApiProblem(400, 'bad_request', detail, field ? [{ field, message: detail }] : undefined),
  unauthenticated: (detail = 'missing or invalid credentials'): ApiProblem =>
    new ApiProblem(401, 'unauthenticated', detail),
  forbidden: (detail: string): ApiProblem => new ApiProblem(403, 'forbidden', detail),
  notFound: (entity: string, id?: string): ApiProblem =>
    new ApiProblem(404, 'not_found', id ? `${entity} ${id} not found` : `${entity} not found`),
  conflict: (detail: string, field?: string): ApiProblem =>
    new ApiProblem(409, 'conflict', detail, field ? [{ field, message: detail }] : undefined),
  tooLarge: (limit: number): ApiProblem =>
    new ApiProblem(413, 'payload_too_large', `request body exceeds ${limit} bytes`, [
      { field: 'body', message: `larger than ${limit} bytes` },
    ]),
  upstream: (detail: string): ApiProblem => new ApiProblem(502, 'upstream', detail),
};
