import { readJsonFixture } from '../testing/fixtures';
import {
  anthropicErrorStatus,
  anthropicErrorType,
  decodeAnthropicError,
  encodeAnthropicError,
} from './errors';
import { decodeAnthropicModelList, encodeAnthropicModelList } from './models';

interface Misc {
  anthropic: {
    errors: Record<
      string,
      | { status: number; body: { error: { type: string; message: string }; request_id: string | null } }
      | string
    >;
    models_list: { data: Array<{ id: string; display_name: string; created_at: string }> };
  };
}

const misc = readJsonFixture('errors_models_misc.json') as Misc;
const errorCases = Object.entries(misc.anthropic.errors).flatMap(([name, entry]) =>
  typeof entry === 'string' ? [] : [[name, entry] as const],
);

describe('Anthropic errors', () => {
  it.each(errorCases)('%s: type by status and exact envelope', (_name, entry) => {
    expect(anthropicErrorType(entry.status)).toBe(entry.body.error.type);
    expect(anthropicErrorStatus(entry.body.error.type)).toBe(entry.status);
    expect(
      encodeAnthropicError(entry.status, entry.body.error.message, { requestId: entry.body.request_id }),
    ).toStrictEqual(entry.body);
    expect(decodeAnthropicError(entry.body)).toMatchObject({
      type: entry.body.error.type,
      message: entry.body.error.message,
    });
  });

  it('maps statuses outside the table', () => {
    expect(anthropicErrorType(409)).toBe('invalid_request_error');
    expect(anthropicErrorType(422)).toBe('invalid_request_error');
    expect(anthropicErrorType(502)).toBe('api_error');
    expect(anthropicErrorType(503)).toBe('api_error');
    expect(anthropicErrorStatus('mystery')).toBe(500);
  });

  it('lets the caller choose the type and defaults request_id to null', () => {
    expect(encodeAnthropicError(529, 'Upstream overloaded', { type: 'overloaded_error' })).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Upstream overloaded' },
      request_id: null,
    });
    expect(decodeAnthropicError({ error: 'nope' })).toBeUndefined();
    expect(decodeAnthropicError('text')).toBeUndefined();
  });
});

describe('Anthropic model list', () => {
  const models = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));

  it('matches the golden list shape', () => {
    const golden = misc.anthropic.models_list;
    const decoded = decodeAnthropicModelList(golden);
    expect(decoded).toEqual([
      { id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5', created: 1759104000 },
      { id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5', created: 1759276800 },
    ]);
    expect(encodeAnthropicModelList(decoded, {})).toStrictEqual(golden);
  });

  it('pages with limit, after_id and before_id', () => {
    const ids = (list: ReturnType<typeof encodeAnthropicModelList>): string[] => list.data.map((m) => m.id);
    const first = encodeAnthropicModelList(models, { limit: 2 });
    expect([ids(first), first.has_more, first.first_id, first.last_id]).toEqual([['a', 'b'], true, 'a', 'b']);
    const next = encodeAnthropicModelList(models, { limit: 2, afterId: 'd' });
    expect([ids(next), next.has_more]).toEqual([['e'], false]);
    const before = encodeAnthropicModelList(models, { limit: 2, beforeId: 'd' });
    expect([ids(before), before.has_more]).toEqual([['b', 'c'], true]);
    const start = encodeAnthropicModelList(models, { limit: 5, beforeId: 'b' });
    expect([ids(start), start.has_more]).toEqual([['a'], false]);
    const unknown = encodeAnthropicModelList(models, { afterId: 'zzz' });
    expect(unknown).toEqual({ data: [], has_more: false, first_id: null, last_id: null });
    expect(ids(encodeAnthropicModelList(models, { limit: 0 }))).toEqual(['a']);
    expect(encodeAnthropicModelList(models, {}).data[0]).toEqual({
      type: 'model',
      id: 'a',
      display_name: 'a',
      created_at: '1970-01-01T00:00:00Z',
    });
  });
});
