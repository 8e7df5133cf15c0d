import { NdjsonSplitter, SseParser, sse } from './sse-parser';

describe('SseParser', () => {
  it('parses named events and data-only events', () => {
    const p = new SseParser();
    expect(p.push('event: ping\ndata: {"type":"ping"}\n\ndata: {"a":1}\n\n')).toEqual([
      { event: 'ping', data: '{"type":"ping"}' },
      { data: '{"a":1}' },
    ]);
  });

  it('accepts CRLF and CR line endings, even split across reads', () => {
    const p = new SseParser();
    const out = [...p.push('data: a\r'), ...p.push('\n\r'), ...p.push('\ndata: b\r\r')];
    expect(out).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('ignores comments and joins multi-line data', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\ndata: x\ndata: y\n\n')).toEqual([{ data: 'x\ny' }]);
  });

  it('keeps an event split mid-line until it completes', () => {
    const p = new SseParser();
    expect(p.push('data: {"he')).toEqual([]);
    expect(p.push('llo":1}\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ data: '{"hello":1}' }]);
  });

  it('flushes an unterminated final event at end', () => {
    const p = new SseParser();
    expect(p.push('data: last')).toEqual([]);
    expect(p.end()).toEqual([{ data: 'last' }]);
  });

  it('round-trips what sse() writes', () => {
    const p = new SseParser();
    expect(p.push(sse('{"x":1}', 'message_stop') + sse('[DONE]'))).toEqual([
      { event: 'message_stop', data: '{"x":1}' },
      { data: '[DONE]' },
    ]);
  });
});

describe('NdjsonSplitter', () => {
  it('splits complete lines and keeps the partial one', () => {
    const s = new NdjsonSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\r\n\n')).toEqual(['{"b":2}']);
    expect(s.end()).toEqual([]);
  });
});
