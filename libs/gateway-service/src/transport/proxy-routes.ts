import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestOperation, RequestSurface } from '@optscale/contracts';
import { buildRequestEvent } from '../record/build-event';
import { ChatPipeline, type ChatPipelineDeps } from '../pipeline/chat-pipeline';
import { handleCountTokens } from '../pipeline/count-tokens';
import { handleEmbeddings } from '../pipeline/embeddings';
import { GatewayError } from '../pipeline/gateway-error';
import {
  listModelsAnthropic,
  listModelsOpenAI,
  retrieveModelAnthropic,
  retrieveModelOpenAI,
} from '../pipeline/model-catalog';
import { jsonOutcome, type Outcome } from '../pipeline/outcome';
import { RequestContext, clock } from '../pipeline/request-context';
import { randomId } from '../pipeline/translate-context';
import {
  anthropicCodec,
  cursorCodec,
  openAIChatCodec,
  responsesCodec,
  type ClientCodec,
} from './client-codecs';

interface OrgParams {
  org: string;
  '*'?: string;
}

type Handler = (
  ctx: RequestContext,
  req: FastifyRequest<{ Params: OrgParams }>,
) => Promise<Outcome> | Outcome;

/**
 * The data plane's HTTP surface, served by Fastify directly (docs/adr/0002): each route is a few
 * lines that build a RequestContext, call a handler, and write its Outcome to the socket.
 */
export function registerProxyRoutes(app: FastifyInstance, deps: ChatPipelineDeps, bodyLimit: number): void {
  const chat = new ChatPipeline(deps);
  const queryOf = (req: FastifyRequest): string => {
    const q = req.url.indexOf('?');
    return q === -1 ? '' : req.url.slice(q);
  };
  const body = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

  void app.register(
    (scope, _opts, done) => {
      // Bodies arrive as raw bytes whatever the content type (curl sends form-encoded by default):
      // forwarded untouched when the dialects match, parsed by the pipeline otherwise.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, payload, next) =>
        next(null, payload),
      );

      const route = (
        method: 'GET' | 'POST' | 'HEAD',
        path: string,
        surface: RequestSurface,
        operation: RequestOperation,
        codec: ClientCodec,
        handler: Handler,
      ): void => {
        scope.route<{ Params: OrgParams }>({
          method,
          url: path,
          handler: (req, reply) => serve(req, reply, surface, operation, codec, handler, deps),
        });
      };

      // OpenAI-compatible surface.
      route('POST', '/:org/v1/chat/completions', 'openai', 'chat', openAIChatCodec, (ctx, req) =>
        chat.handle(ctx, openAIChatCodec, body(req), queryOf(req)),
      );
      route('POST', '/:org/v1/responses', 'openai', 'responses', responsesCodec, (ctx, req) =>
        chat.handle(ctx, responsesCodec, body(req), ''),
      );
      route('POST', '/:org/v1/embeddings', 'openai', 'embeddings', openAIChatCodec, (ctx, req) =>
        handleEmbeddings(ctx, deps, openAIChatCodec, body(req)),
      );
      route('GET', '/:org/v1/models', 'openai', 'models', openAIChatCodec, (ctx) =>
        listModelsOpenAI(ctx, deps.state()),
      );
      route('GET', '/:org/v1/models/*', 'openai', 'models', openAIChatCodec, (ctx, req) =>
        retrieveModelOpenAI(ctx, deps.state(), req.params['*'] ?? ''),
      );

      // Anthropic Messages surface (Claude Code posts to /v1/messages?beta=true).
      route('POST', '/:org/anthropic/v1/messages', 'anthropic', 'chat', anthropicCodec, (ctx, req) =>
        chat.handle(ctx, anthropicCodec, body(req), queryOf(req)),
      );
      route(
        'POST',
        '/:org/anthropic/v1/messages/count_tokens',
        'anthropic',
        'count_tokens',
        anthropicCodec,
        (ctx, req) => handleCountTokens(ctx, deps, anthropicCodec, body(req), queryOf(req)),
      );
      route('GET', '/:org/anthropic/v1/models', 'anthropic', 'models', anthropicCodec, (ctx, req) =>
        listModelsAnthropic(ctx, deps.state(), new URLSearchParams(queryOf(req))),
      );
      route('GET', '/:org/anthropic/v1/models/*', 'anthropic', 'models', anthropicCodec, (ctx, req) =>
        retrieveModelAnthropic(ctx, deps.state(), req.params['*'] ?? ''),
      );
      // Claude Code's connectivity probe.
      for (const path of ['/:org/anthropic', '/:org/anthropic/']) {
        scope.head(path, (_req, reply) => reply.code(200).send());
      }

      // Cursor's hybrid dialect, answered as Chat Completions.
      for (const path of ['/:org/cursor/chat/completions', '/:org/cursor/v1/chat/completions']) {
        route('POST', path, 'cursor', 'chat', cursorCodec, (ctx, req) =>
          chat.handle(ctx, cursorCodec, body(req), ''),
        );
      }
      for (const path of ['/:org/cursor/models', '/:org/cursor/v1/models']) {
        route('GET', path, 'cursor', 'models', cursorCodec, (ctx) => listModelsOpenAI(ctx, deps.state()));
        route('GET', `${path}/*`, 'cursor', 'models', cursorCodec, (ctx, req) =>
          retrieveModelOpenAI(ctx, deps.state(), req.params['*'] ?? ''),
        );
      }

      // Anything else under /llm_proxy, and Fastify's own failures (body too large), in the dialect
      // of the surface the path names.
      scope.setNotFoundHandler((req, reply) => {
        const codec = codecForPath(req.url);
        const err = codec.error(404, `no route for ${req.method} ${req.url.split('?')[0] ?? ''}`, {
          requestId: randomId('req_'),
        });
        void reply.code(err.status).header('content-type', 'application/json').send(JSON.stringify(err.body));
      });
      scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
        const codec = codecForPath(req.url);
        const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413;
        const status = tooLarge ? 413 : error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
        const message = tooLarge ? `request body exceeds the limit of ${bodyLimit} bytes` : error.message;
        const err = codec.error(status, message, { requestId: randomId('req_') });
        void reply.code(err.status).header('content-type', 'application/json').send(JSON.stringify(err.body));
      });
      done();
    },
    { prefix: '/llm_proxy' },
  );
}

function codecForPath(url: string): ClientCodec {
  if (/^\/llm_proxy\/[^/]+\/anthropic(\/|$|\?)/.test(url)) return anthropicCodec;
  if (/^\/llm_proxy\/[^/]+\/cursor(\/|$|\?)/.test(url)) return cursorCodec;
  return openAIChatCodec;
}

async function serve(
  req: FastifyRequest<{ Params: OrgParams }>,
  reply: FastifyReply,
  surface: RequestSurface,
  operation: RequestOperation,
  codec: ClientCodec,
  handler: Handler,
  deps: ChatPipelineDeps,
): Promise<void> {
  const ctx = new RequestContext(randomId('req_'), surface, operation, req.params.org, req.headers);
  reply.hijack();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) ctx.abort.abort();
  });
  let outcome: Outcome;
  try {
    outcome = await handler(ctx, req);
  } catch (err) {
    outcome = errorOutcome(ctx, codec, err);
  }
  try {
    await write(ctx, res, outcome, surface);
  } catch (err) {
    if (!ctx.abort.signal.aborted) {
      ctx.errorKind ??= 'internal';
      ctx.errorMessage ??= (err as Error).message;
    }
    res.destroy();
  } finally {
    if (ctx.abort.signal.aborted && ctx.errorKind === undefined) {
      ctx.errorKind = 'client_closed';
      ctx.status = 499;
    }
    ctx.finishedAt = clock();
    // Usage of a forwarded body is read on the next tick (off the response path); record after it.
    setImmediate(() => deps.extensions.sink.emit(buildRequestEvent(ctx)));
  }
}

function errorOutcome(ctx: RequestContext, codec: ClientCodec, err: unknown): Outcome {
  const known = err instanceof GatewayError ? err : undefined;
  if (!known && ctx.abort.signal.aborted) {
    ctx.errorKind = 'client_closed';
    ctx.status = 499;
    return jsonOutcome(499, {});
  }
  const status = known?.status ?? 500;
  const message = known?.message ?? 'internal gateway error';
  if (!known) console.error(`[gateway] ${ctx.requestId} unexpected error:`, err);
  const out = codec.error(status, message, { requestId: ctx.requestId, param: known?.param ?? null });
  ctx.status = out.status;
  ctx.errorKind = known?.kind ?? 'internal';
  ctx.errorMessage = message;
  return jsonOutcome(out.status, out.body, known?.headers ?? {});
}

async function write(
  ctx: RequestContext,
  res: FastifyReply['raw'],
  outcome: Outcome,
  surface: RequestSurface,
): Promise<void> {
  if (res.destroyed || ctx.abort.signal.aborted) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {
    ...outcome.headers,
    'x-request-id': ctx.requestId,
    'x-optscale-gateway-ms': ctx.gatewayMs().toFixed(3),
  };
  // The Anthropic SDK reads its request id from `request-id`.
  if (surface === 'anthropic') headers['request-id'] = ctx.requestId;
  if (outcome.kind === 'body') {
    res.writeHead(outcome.status, headers);
    ctx.firstByteAt = clock();
    res.end(outcome.body);
    return;
  }
  res.writeHead(outcome.status, headers);
  res.flushHeaders();
  for await (const chunk of outcome.chunks) {
    if (res.destroyed) break;
    ctx.firstByteAt ??= clock();
    if (!res.write(chunk)) await once(res, 'drain', { signal: ctx.abort.signal });
  }
  res.end();
}
