import { Controller, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import { buildOpenApiDocument, type OpenApiInfo } from './openapi';
import { defineRoute, Endpoint, type RouteDefinition } from './route';

const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

export const docsRoutes = {
  page: defineRoute({
    method: 'GET',
    path: '/api/docs',
    summary: 'This API reference as a web page',
    tag: 'Docs',
    access: 'public',
  }),
  document: defineRoute({
    method: 'GET',
    path: '/api/docs/openapi.json',
    summary: 'The OpenAPI 3.1 document of this API',
    tag: 'Docs',
    access: 'public',
  }),
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** A dependency-free reference page: every operation with its access rule, grouped by tag. */
function renderPage(document: Record<string, unknown>): string {
  const paths = document['paths'] as Record<
    string,
    Record<string, { summary: string; tags: string[]; 'x-access': string }>
  >;
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const row = `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary)}</td><td>${escapeHtml(op['x-access'])}</td></tr>`;
      const tag = op.tags[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
    }
  }
  const info = document['info'] as OpenApiInfo;
  const sections = [...byTag.entries()]
    .map(
      ([tag, rows]) =>
        `<h2>${escapeHtml(tag)}</h2><table><tr><th>Method</th><th>Path</th><th>Summary</th><th>Access</th></tr>${rows.join('')}</table>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title><style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:75rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}</style></head><body><h1>${escapeHtml(info.title)} ${escapeHtml(info.version)}</h1><p>Machine-readable: <a href="/api/docs/openapi.json">openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>.</p>${sections}</body></html>`;
}

@Controller()
class DocsController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: Record<string, unknown>) {}

  @Endpoint(docsRoutes.page)
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return renderPage(this.document);
  }

  @Endpoint(docsRoutes.document)
  openapi(): Record<string, unknown> {
    return this.document;
  }
}

/** Serves `/api/docs` (a page) and `/api/docs/openapi.json` for the routes a process mounts. */
@Module({})
export class ApiDocsModule {
  static forRoutes(routes: readonly RouteDefinition[], info: OpenApiInfo): DynamicModule {
    const document = buildOpenApiDocument([...routes, ...Object.values(docsRoutes)], info);
    return {
      module: ApiDocsModule,
      controllers: [DocsController],
      providers: [{ provide: OPENAPI_DOCUMENT, useValue: document }],
    };
  }
}
