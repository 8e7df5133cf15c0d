import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { RequestTrace } from '../pipeline/request-trace';
import { requestId } from '../pipeline/translate-context';
import type { ClientCodec } from './client-codecs';
import { matchProxyRoute, type MatchedRoute, type ProxyRoute } from './proxy-router';
import { readBody } from './read-body';
import { ContentRecorder } from '../record/content-log';

/** Serves one request if it is a proxy route; false lets the application's other routes have it. */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The data plane's HTTP surface, on plain node:http in the same server as the Nest application
 * (docs/adr/0002): match the route, build a RequestContext, run a handler that returns an Outcome,
 * write it. Everything else lives in the pipeline stages.
 */
export function createProxyHandler(
  deps: ChatPipelineDeps,
  bodyLimit: number,
  /** False while the state source is still loading: every route then refuses, retryably. */
  isLoaded: () => boolean = () => true,
): ProxyHandler {
  const chat = new ChatPipeline(deps);

  const run = async (
    ctx: RequestContext,
    match: MatchedRoute,
    route: ProxyRoute,
    req: IncomingMessage,
  ): Promise<Outcome> => {
    if (!isLoaded()) {
      req.resume();
      // An empty state would answer "invalid API key" to every client: say it is temporary instead.
      throw new GatewayError('unavailable', 'gateway is loading its configuration', null, {
        'retry-after': '1',
      });
    }
    const state = deps.state();
    switch (route.endpoint) {
      case 'chat':
        return chat.handle(
          ctx,
          route.codec,
          (ctx.requestBody = await readBody(req, bodyLimit)),
          route.operation === 'responses' ? '' : match.query,
        );
      case 'embeddings':
        return handleEmbeddings(ctx, deps, route.codec, (ctx.requestBody = await readBody(req, bodyLimit)));
      case 'count-tokens':
        return handleCountTokens(
          ctx,
          deps,
          route.codec,
          (ctx.requestBody = await readBody(req, bodyLimit)),
          match.query,
        );
      case 'models':
        return listModelsOpenAI(ctx, state);
      case 'model':
        return retrieveModelOpenAI(ctx, state, match.modelId ?? '');
      case 'anthropic-models':
        return listModelsAnthropic(ctx, state, new URLSearchParams(match.query));
      case 'anthropic-model':
        return retrieveModelAnthropic(ctx, state, match.modelId ?? '');
      case 'probe':
        return { kind: 'body', status: 200, headers: {}, body: '' };
    }
  };

  return (req, res) => {
    const match = matchProxyRoute(req.method ?? 'GET', req.url ?? '/');
    if (!match) return false;
    const route = match.route;
    if (!route) {
      const err = match.codec.error(
        404,
        `no route for ${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`,
        {
          requestId: requestId(),
        },
      );
      res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify(err.body));
      req.resume();
      return true;
    }
    const ctx = new RequestContext(
      requestId(),
      route.surface,
      route.operation,
      match.organizationId,
      req.headers,
    );
    ctx.trace = RequestTrace.start(req.headers, req.method ?? 'POST', ctx);
    res.once('close', () => {
      if (!res.writableFinished) ctx.abort.abort();
    });
    void serve(ctx, route.codec, res, () => run(ctx, match, route, req), deps);
    return true;
  };
}

async function serve(
  ctx: RequestContext,
  codec: ClientCodec,
  res: ServerResponse,
  handler: () => Promise<Outcome>,
  deps: ChatPipelineDeps,
): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await handler();
  } catch (err) {
    outcome = errorOutcome(ctx, codec, err);
  }
  try {
    await write(ctx, res, outcome);
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
    setImmediate(() => {
      const record = (): void => deps.extensions.sink.emit(buildRequestEvent(ctx));
      if (ctx.trace === undefined) return record();
      // In the request's span: the event carries its traceparent to Kafka.
      ctx.trace.within(record);
      ctx.trace.finish(ctx);
    });
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
  const openAI = codec.name !== 'anthropic';
  const out = codec.error(status, message, {
    requestId: ctx.requestId,
    param: known?.param ?? null,
    ...(openAI && known?.dialect.openAIType !== undefined ? { type: known.dialect.openAIType } : {}),
    ...(openAI && known?.dialect.openAICode !== undefined ? { code: known.dialect.openAICode } : {}),
  });
  ctx.status = out.status;
  ctx.errorKind = known?.kind ?? 'internal';
  ctx.errorMessage = message;
  return jsonOutcome(out.status, out.body, known?.headers ?? {});
}

async function write(ctx: RequestContext, res: ServerResponse, outcome: Outcome): Promise<void> {
  if (res.destroyed || ctx.abort.signal.aborted) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = outcome.headers;
  headers['x-request-id'] = ctx.requestId;
  // The Anthropic SDK reads its request id from `request-id`.
  if (ctx.surface === 'anthropic') headers['request-id'] = ctx.requestId;
  headers['x-optscale-gateway-ms'] = ctx.gatewayMs().toFixed(3);
  // Content logging (record/content-log.ts): a copy of what the client is sent, bounded.
  const content = ctx.key?.organization.contentLogging === true ? new ContentRecorder() : undefined;
  ctx.responseContent = content;
  if (outcome.kind === 'body') {
    res.writeHead(outcome.status, headers);
    ctx.firstByteAt = clock();
    res.end(outcome.body);
    content?.add(outcome.body);
    return;
  }
  res.writeHead(outcome.status, headers);
  res.flushHeaders();
  for await (const chunk of outcome.chunks) {
    if (res.destroyed) break;
    // Time to first token: the first chunk of the answer, not the headers.
    ctx.firstByteAt ??= clock();
    content?.add(chunk);
    if (!res.write(chunk)) await once(res, 'drain', { signal: ctx.abort.signal });
  }
  res.end();
}
