import { applyDecorators, HttpCode, RequestMapping, RequestMethod, SetMetadata } from '@nestjs/common';
import { z } from 'zod';
import type { UserRole } from '@optscale/contracts';

/**
 * Who may call an endpoint. Required on every route (there is no default), so that "is this
 * guarded?" is answered where the route is declared (STYLE.md, Twenty's rule):
 * - `public`: anyone (login, docs).
 * - `authenticated`: any session or the bootstrap token (e.g. `/me`).
 * - `installation`: only the bootstrap admin token (creating organizations).
 * - a role: a user of the organization in the path's `:organizationId` with at least that role
 *   (member < manager < admin), or the bootstrap token. Handlers narrow further where members may
 *   see only their own things.
 */
export type RouteAccess = 'public' | 'authenticated' | 'installation' | UserRole;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Under `/api/v1`, Nest style: `/organizations/:organizationId/keys/:keyId`. */
  path: string;
  summary: string;
  description?: string;
  /** OpenAPI tag: the Admin UI page it serves (Organizations, AI Access, Keys, Providers...). */
  tag: string;
  access: RouteAccess;
  params?: P;
  query?: Q;
  body?: B;
  /** What a 2xx returns; documented, and checked in tests (not at run time). */
  response?: R;
  /** Success status (default 200; 201 for creations, 204 for deletions). */
  status?: number;
}

/** The parsed input of a route: what `@Input()` hands to the handler. */
export interface RouteInput<D extends RouteDefinition> {
  params: z.output<NonNullable<D['params']>>;
  query: z.output<NonNullable<D['query']>>;
  body: z.output<NonNullable<D['body']>>;
}

export function defineRoute<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
>(definition: RouteDefinition<P, Q, B, R>): RouteDefinition<P, Q, B, R> {
  return definition;
}

export const API_PREFIX = '/api/v1';
export const ROUTE_METADATA = 'optscale:route';

const METHODS: Record<HttpMethod, RequestMethod> = {
  GET: RequestMethod.GET,
  POST: RequestMethod.POST,
  PUT: RequestMethod.PUT,
  PATCH: RequestMethod.PATCH,
  DELETE: RequestMethod.DELETE,
};

/**
 * Declares a Nest handler from a route definition: method, path under `/api/v1`, success status,
 * and the definition itself as metadata for the guard, `@Input()` and the OpenAPI document.
 */
export function Endpoint(definition: RouteDefinition): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: routePath(definition), method: METHODS[definition.method] }),
    HttpCode(definition.status ?? 200),
    SetMetadata(ROUTE_METADATA, definition),
  );
}

/** The full path: under `/api/v1` unless the definition names another `/api/...` path (the docs). */
export function routePath(definition: RouteDefinition): string {
  return definition.path.startsWith('/api/') ? definition.path : `${API_PREFIX}${definition.path}`;
}

/** Path parameter schemas shared by every service. */
export const uuidParam = z.uuid({ message: 'expected a UUID' });
export const organizationParams = z.object({ organizationId: uuidParam });
