import { fullEvent } from './__fixtures__/events';
import { toDetail } from './trace-view';
import { NULL_MS, toTraceRow } from './trace-row';

const ORG = '6f1c2a8e-1111-4b3a-9c1d-0a2b3c4d5e6f';
const INGESTED = new Date(1_763_632_805_000);

describe('request event → trace row', () => {
  it('maps every field, with JSON arrays for attempts and policies and seconds plus ms for time', () => {
    const event = fullEvent(ORG, {
      timings: { startedAt: 1_763_632_800_123, gatewayMs: 1.5, upstreamMs: 40, ttftMs: 45, totalMs: 60 },
    });
    const row = toTraceRow(event, INGESTED);
    expect(row).toEqual({
      request_id: event.requestId,
      organization_id: ORG,
      started_at: 1_763_632_800,
      started_at_ms: 1_763_632_800_123,
      key_id: 'key-1',
      user_id: 'user-1',
      team_id: 'team-1',
      provider: 'openai-main',
      model: 'gpt-4o-mini',
      client_model: 'fast',
      surface: 'openai',
      operation: 'chat',
      client: 'openai-sdk',
      user_agent: 'OpenAI/JS 5.0.0',
      session_id: 'sess-1',
      stream: 1,
      passthrough: 0,
      status: 200,
      error_type: '',
      error_message: '',
      input_tokens: 100,
      cache_read_tokens: 20,
      cache_write_tokens: 10,
      cache_write_1h_tokens: 4,
      output_tokens: 50,
      reasoning_tokens: 8,
      cost_nanos: '1234567',
      cost_source: 'catalog',
      catalog_version: '2026-11-01',
      gateway_ms: 1.5,
      upstream_ms: 40,
      ttft_ms: 45,
      total_ms: 60,
      routing_rule_id: 'rule-1',
      routing_rule_name: 'cheap first',
      routing_attempts: JSON.stringify(event.routing?.attempts),
      policy_evaluations: JSON.stringify(event.policies),
      content_request: '{"messages":[]}',
      content_response: '{"choices":[]}',
      content_truncated: 0,
      ingested_at: 1_763_632_805,
    });
  });

  it('stores absent parts as empty values and reads them back as null', () => {
    const { content: _c, routing: _r, policies: _p, cost: _cost, teamId: _t, ...bare } = fullEvent(ORG);
    const event = {
      ...bare,
      keyId: null,
      userId: null,
      provider: null,
      status: 502,
      errorType: 'upstream',
      errorMessage: 'bad gateway',
      timings: { startedAt: 1_763_632_800_000, gatewayMs: 2, upstreamMs: null, ttftMs: null, totalMs: 9 },
    };
    const row = toTraceRow(event, INGESTED);
    expect(row).toMatchObject({
      key_id: '',
      user_id: '',
      team_id: '',
      provider: '',
      cost_nanos: '0',
      cost_source: '',
      upstream_ms: NULL_MS,
      ttft_ms: NULL_MS,
      routing_attempts: '[]',
      policy_evaluations: '[]',
      content_request: '',
      content_truncated: 0,
    });
    // What ClickHouse returns: UInt64 as strings, flags as numbers.
    const detail = toDetail({ ...row, started_at_ms: String(row.started_at_ms), cost_nanos: '0' });
    expect(detail).toMatchObject({
      key_id: null,
      user_id: null,
      provider: null,
      status: 502,
      error_type: 'upstream',
      error_message: 'bad gateway',
      routing: null,
      policies: [],
      content: null,
      cost: { usd: '0.000000000', nanos: '0' },
      timings: { gateway_ms: 2, upstream_ms: null, ttft_ms: null, total_ms: 9 },
    });
  });

  it('reads a full row back into the detail the API serves', () => {
    const event = fullEvent(ORG);
    const row = toTraceRow(event, INGESTED);
    const detail = toDetail({ ...row, started_at_ms: String(row.started_at_ms), input_tokens: '100' });
    expect(detail.tokens).toEqual({
      input: 100,
      cache_read: 20,
      cache_write: 10,
      cache_write_1h: 4,
      output: 50,
      reasoning: 8,
      total: 180,
    });
    expect(detail.cost).toEqual({ usd: '0.001234567', nanos: '1234567' });
    expect(detail.routing).toEqual({
      rule_id: 'rule-1',
      rule_name: 'cheap first',
      attempts: event.routing?.attempts,
    });
    expect(detail.policies).toEqual(event.policies);
    expect(detail.content).toEqual(event.content);
    expect(detail.started_at).toBe(new Date(event.timings.startedAt).toISOString());
    expect(detail).toMatchObject({
      stream: true,
      passthrough: false,
      session_id: 'sess-1',
      ttft_ms: 45,
      latency_ms: 60,
    });
  });
});
