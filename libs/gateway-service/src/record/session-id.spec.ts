import { sessionFromBody, sessionFromHeaders } from './session-id';

describe('session id', () => {
  it('prefers the headers, in order', () => {
    const h: Record<string, string> = { 'x-session-id': 'b', 'x-session-affinity': 'c' };
    expect(sessionFromHeaders((n) => h[n])).toBe('b');
    expect(sessionFromHeaders(() => undefined)).toBeUndefined();
  });

  it('reads Claude Code metadata.user_id in both forms', () => {
    expect(
      sessionFromBody({
        metadata: { user_id: 'user_ab12_account__session_7428932e-46d0-4e77-90a4-5e5104a67bc9' },
      }),
    ).toBe('7428932e-46d0-4e77-90a4-5e5104a67bc9');
    expect(sessionFromBody({ metadata: { user_id: '{"device_id":"d","session_id":"s-1"}' } })).toBe('s-1');
    expect(sessionFromBody({ metadata: { user_id: 'plain-user' } })).toBeUndefined();
    expect(sessionFromBody({ metadata: { user_id: '{broken' } })).toBeUndefined();
    expect(sessionFromBody({})).toBeUndefined();
  });
});
