import { Inject, Injectable } from '@nestjs/common';
import { hasRole, problems, type Actor, type RouteInput } from '@optscale/admin-api';
import type { ClickHouse } from '@optscale/clickhouse';
import { ANALYTICS_STORE } from './tokens';
import { InvalidTimeRangeError, resolveTimeRange, type TimeRange, type TimeRangeInput } from './time-range';
import { toDetail, toListItem, toSummary } from './trace-view';
import { listTracesSql, traceDetailSql, traceSummarySql, type TraceFilters } from './traces.query';
import type { TraceDetail, traceRoutes } from './traces.routes';

/** Resolves a range query or answers 400 naming the field. */
export function rangeOrProblem(input: TimeRangeInput, now: number): TimeRange {
  try {
    return resolveTimeRange(input, now);
  } catch (error) {
    if (error instanceof InvalidTimeRangeError) throw problems.badRequest(error.message, 'query.from');
    throw error;
  }
}

/**
 * Who sees which traces: managers and admins of the organization (and the installation token) see
 * all of them; a member sees only the requests made with their own keys, so the Chat UI can show
 * "my usage" without exposing colleagues' prompts. Returns the user id to force, if any.
 */
export function ownerScope(actor: Actor, organizationId: string): string | undefined {
  if (hasRole(actor, organizationId, 'manager')) return undefined;
  if (actor.kind === 'user' && actor.organizationId === organizationId) return actor.userId;
  throw problems.notFound('organization', organizationId);
}

@Injectable()
export class TracesService {
  constructor(@Inject(ANALYTICS_STORE) private readonly clickhouse: ClickHouse) {}

  async list(actor: Actor, organizationId: string, query: RouteInput<typeof traceRoutes.list>['query']) {
    const range = rangeOrProblem(query, Date.now());
    const forcedUser = ownerScope(actor, organizationId);
    const filters: TraceFilters = {
      organizationId,
      range,
      userId: forcedUser ?? query.user_id,
      provider: query.provider,
      model: query.model,
      keyId: query.key_id,
      teamId: query.team_id,
      client: query.client,
      status: query.status,
    };
    const [rows, summaryRows] = await Promise.all([
      this.clickhouse.query(listTracesSql(filters, query.sort, query.order, query.limit, query.offset)),
      this.clickhouse.query(traceSummarySql(filters)),
    ]);
    const summary = toSummary(summaryRows[0]);
    return {
      items: rows.map(toListItem),
      total: summary.total_requests,
      limit: query.limit,
      offset: query.offset,
      range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() },
      summary,
    };
  }

  async get(actor: Actor, organizationId: string, requestId: string): Promise<TraceDetail> {
    const forcedUser = ownerScope(actor, organizationId);
    const [row] = await this.clickhouse.query(traceDetailSql(organizationId, requestId));
    if (row === undefined) throw problems.notFound('trace', requestId);
    const detail = toDetail(row);
    // 404, not 403: a member cannot probe which request ids exist.
    if (forcedUser !== undefined && detail.user_id !== forcedUser)
      throw problems.notFound('trace', requestId);
    return detail;
  }
}
