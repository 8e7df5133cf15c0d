import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Scenario } from './types';

/** A received request, parsed once by the shared server. */
export interface MockRequest {
  readonly method: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The parsed JSON body; undefined when empty or invalid (see `jsonError`). */
  readonly json: unknown;
  /** The body was not empty but not valid JSON either. */
  readonly jsonError: boolean;
  /** `performance.now()` when the request arrived (for processing-time headers). */
  readonly startedAt: number;
}

/** What a dialect handler may use of the mock's state. */
export interface MockContext {
  readonly models: readonly string[];
  readonly apiKey: string | undefined;
  /** Takes the next queued scenario (or the default one). Call once per generation request. */
  nextScenario(): Scenario;
  /** Aborted when the mock closes; pass it to any wait. */
  readonly signal: AbortSignal;
}

/** One provider dialect: its base path (for `MockProvider.url`) and its request handler. */
export interface Dialect {
  /** Appended to `http://host:port` to form the base URL clients are configured with. */
  readonly basePath: string;
  readonly defaultModels: readonly string[];
  handle(req: MockRequest, res: ServerResponse, ctx: MockContext): void | Promise<void>;
}
