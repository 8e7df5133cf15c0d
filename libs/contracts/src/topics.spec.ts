import { requestEvent, validAccess, validHealth, validKey, validProvider } from './__fixtures__/payloads';
import {
  DEAD_LETTER_TOPICS,
  RESERVED_TOPIC_NAMES,
  TOPICS,
  TOPIC_NAMES,
  isCompacted,
  isTopic,
  parseMessage,
  type CompactedTopic,
  type Topic,
  type TopicPayload,
  type TopicValue,
} from './topics';

const KEY_HASH = `sha256:${'ab'.repeat(32)}`;

describe('topic registry', () => {
  it('names exactly the topics of ARCHITECTURE.md (defined now or reserved)', () => {
    expect([...TOPIC_NAMES, ...Object.values(RESERVED_TOPIC_NAMES)].sort()).toEqual([
      'optscale.budget.state.v1',
      'optscale.config.access.v1',
      'optscale.config.budgets.v1',
      'optscale.config.keys.v1',
      'optscale.config.policies.v1',
      'optscale.config.pricing.v1',
      'optscale.config.providers.v1',
      'optscale.config.routes.v1',
      'optscale.gateway.requests.v1',
      'optscale.gateway.requests.v1.dlq',
      'optscale.router.health.v1',
    ]);
    for (const name of TOPIC_NAMES) expect(name).toMatch(/^optscale\.[a-z]+\.[a-z]+\.v\d+(\.dlq)?$/);
  });

  it('compacts the config snapshots and the health state, not the event streams', () => {
    expect(TOPIC_NAMES.filter((t) => isCompacted(t)).sort()).toEqual([
      'optscale.budget.state.v1',
      'optscale.config.access.v1',
      'optscale.config.budgets.v1',
      'optscale.config.keys.v1',
      'optscale.config.policies.v1',
      'optscale.config.pricing.v1',
      'optscale.config.providers.v1',
      'optscale.config.routes.v1',
      'optscale.router.health.v1',
    ]);
    expect(TOPICS['optscale.gateway.requests.v1'].compacted).toBe(false);
  });

  it('knows its topics', () => {
    expect(isTopic('optscale.config.keys.v1')).toBe(true);
    expect(isTopic('optscale.config.pricing.v1')).toBe(true);
    expect(isTopic('optscale.config.nothing.v1')).toBe(false);
    expect(isTopic('toString')).toBe(false);
    expect(DEAD_LETTER_TOPICS['optscale.gateway.requests.v1']).toBe('optscale.gateway.requests.v1.dlq');
  });

  it('maps each topic to its payload type (compile-time)', () => {
    const key: TopicPayload<'optscale.config.keys.v1'> = validKey;
    const event: TopicPayload<'optscale.gateway.requests.v1'> = requestEvent;
    const tombstone: TopicValue<'optscale.config.keys.v1'> = null;
    // @ts-expect-error a key snapshot is not a provider snapshot
    const wrong: TopicPayload<'optscale.config.providers.v1'> = validKey;
    // @ts-expect-error request events are not compacted: no tombstones
    const noTombstone: TopicValue<'optscale.gateway.requests.v1'> = null;
    const compacted: CompactedTopic[] = ['optscale.config.access.v1'];
    // @ts-expect-error the requests topic is not compacted
    const notCompacted: CompactedTopic = 'optscale.gateway.requests.v1';
    // @ts-expect-error names outside the registry are not topics
    const unknown: Topic = 'optscale.config.nothing.v1';
    expect([key, event, tombstone, wrong, noTombstone, compacted, notCompacted, unknown]).toHaveLength(8);
  });
});

describe('parseMessage', () => {
  it('accepts valid snapshots under their derived keys', () => {
    expect(parseMessage('optscale.config.keys.v1', KEY_HASH, validKey)).toEqual({
      ok: true,
      value: validKey,
    });
    expect(
      parseMessage('optscale.config.access.v1', `${validAccess.organizationId}/user-1`, validAccess).ok,
    ).toBe(true);
    expect(
      parseMessage(
        'optscale.config.providers.v1',
        `${validProvider.organizationId}/openai-main`,
        validProvider,
      ).ok,
    ).toBe(true);
    expect(parseMessage('optscale.gateway.requests.v1', requestEvent.organizationId, requestEvent).ok).toBe(
      true,
    );
  });

  it('accepts tombstones on compacted topics only', () => {
    expect(parseMessage('optscale.config.keys.v1', KEY_HASH, null)).toEqual({ ok: true, value: null });
    const result = parseMessage('optscale.gateway.requests.v1', 'org', null);
    expect(result).toEqual({ ok: false, error: expect.stringContaining('not compacted') });
  });

  it('refuses a key of the wrong shape or one that disagrees with the payload', () => {
    const badHash = parseMessage('optscale.config.keys.v1', 'sk-os-plaintext', validKey);
    expect(badHash).toEqual({ ok: false, error: expect.stringContaining('key') });
    const otherUser = parseMessage(
      'optscale.config.access.v1',
      `${validAccess.organizationId}/u2`,
      validAccess,
    );
    expect(otherUser).toEqual({ ok: false, error: expect.stringContaining('does not match') });
  });

  it('keys target health by <org>/<provider>/<model>, the model keeping its own slashes', () => {
    const key = `${validHealth.organizationId}/ollama-lab/meta-llama/llama3:70b`;
    expect(parseMessage('optscale.router.health.v1', key, validHealth)).toEqual({
      ok: true,
      value: validHealth,
    });
    expect(parseMessage('optscale.router.health.v1', key, null)).toEqual({ ok: true, value: null });
    // Without the model, or naming another target than the payload's.
    expect(
      parseMessage('optscale.router.health.v1', `${validHealth.organizationId}/ollama-lab`, null),
    ).toEqual({
      ok: false,
      error: expect.stringContaining('key'),
    });
    const other = parseMessage(
      'optscale.router.health.v1',
      `${validHealth.organizationId}/ollama-lab/llama3`,
      validHealth,
    );
    expect(other).toEqual({ ok: false, error: expect.stringContaining('does not match') });
    const rate = parseMessage('optscale.router.health.v1', key, { ...validHealth, failureRate: 1.5 });
    expect(rate).toEqual({ ok: false, error: expect.stringContaining('failureRate') });
  });

  it('refuses a payload that is not the schema, naming the field', () => {
    const result = parseMessage('optscale.config.keys.v1', KEY_HASH, { ...validKey, active: 'yes' });
    expect(result).toEqual({ ok: false, error: expect.stringContaining('active') });
  });
});
