import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { z } from 'zod';
import { problems, type FieldProblem } from './problem';
import { ROUTE_METADATA, type RouteDefinition } from './route';

interface RawRequest {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

/**
 * The route's params, query and body, parsed with its schemas. Every problem of every part is
 * reported at once, each naming its field (`body.allowed_providers.0`), never echoing the value.
 */
export const Input = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const definition = Reflect.getMetadata(ROUTE_METADATA, context.getHandler()) as RouteDefinition | undefined;
  if (!definition) throw new Error('@Input() used on a handler without @Endpoint()');
  return parseRouteInput(definition, context.switchToHttp().getRequest<RawRequest>());
});

export function parseRouteInput(definition: RouteDefinition, request: RawRequest): Record<string, unknown> {
  const errors: FieldProblem[] = [];
  const parse = (
    part: 'params' | 'query' | 'body',
    schema: z.ZodType | undefined,
    value: unknown,
  ): unknown => {
    if (!schema) return part === 'body' ? undefined : {};
    const result = schema.safeParse(part === 'body' ? value : { ...(value as object) });
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      errors.push({ field: [part, ...issue.path.map(String)].join('.'), message: issue.message });
    }
    return undefined;
  };
  if (definition.body && (request.body === undefined || request.body === null)) {
    errors.push({ field: 'body', message: 'a JSON body is required' });
  }
  const input = {
    params: parse('params', definition.params, request.params ?? {}),
    query: parse('query', definition.query, request.query ?? {}),
    body: definition.body && request.body != null ? parse('body', definition.body, request.body) : undefined,
  };
  if (errors.length > 0) throw problems.validation(errors);
  return input;
}
