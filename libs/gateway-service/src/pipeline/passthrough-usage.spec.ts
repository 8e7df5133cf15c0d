import { forwardedChatBody } from './call-stage';
import { StreamUsageStripper, stripEvent } from './passthrough-usage';

describe('forwardedChatBody: asking for streamed usage', () => {
  const forward = (raw: string, ask = true, upstreamModel?: string) => {
    const body = JSON.parse(raw) as Record<string, unknown>;
    const model = body['model'] as string;
    return forwardedChatBody(Buffer.from(raw), body, model, upstreamModel ?? model, ask);
  };

  it('splices stream_options in after the brace, every other byte as sent', () => {
    const raw = ' {"model":"gpt-4o",  "stream":true,"messages":[{"role":"user","content":"é"}]}';
    const out = forward(raw);
    expect(out).toEqual({
      text: ' {"stream_options":{"include_usage":true},"model":"gpt-4o",  "stream":true,"messages":[{"role":"user","content":"é"}]}',
      stripStreamUsage: true,
    });
    expect(JSON.parse(out.text)).toMatchObject({ stream_options: { include_usage: true } });
  });

  it('merges into stream_options the client sent, and when the model is rewritten anyway', () => {
    const out = forward(
      '{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false},"messages":[]}',
    );
    expect(JSON.parse(out.text)).toEqual({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
      messages: [],
    });
    expect(out.stripStreamUsage).toBe(true);
    const renamed = forward('{"model":"openai/gpt-4o","stream":true,"messages":[]}', true, 'gpt-4o');
    expect(JSON.parse(renamed.text)).toEqual({
      model: 'gpt-4o',
      stream: true,
      messages: [],
      stream_options: { include_usage: true },
    });
  });

  it('changes nothing when the client asked, the request does not stream, or the provider refuses the option', () => {
    for (const [raw, ask] of [
      ['{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}', true],
      ['{"model":"m","messages":[]}', true],
      ['{"model":"m","stream":false,"messages":[]}', true],
      ['{"model":"m","stream":true,"messages":[]}', false],
    ] as const) {
      expect(forward(raw, ask)).toEqual({ text: raw, stripStreamUsage: false });
    }
  });
});

const frame = (chunk: unknown): string => `data: ${JSON.stringify(chunk)}\n\n`;
const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o' };

describe('StreamUsageStripper', () => {
  it('gives the client exactly the stream it would have had without include_usage', () => {
    const delta = (content: string, usage = true) => ({
      ...base,
      choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
      ...(usage ? { usage: null } : {}),
    });
    const finish = (usage = true) => ({
      ...base,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      ...(usage ? { usage: null } : {}),
    });
    const usageChunk = {
      ...base,
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    };
    const upstream = [
      frame(delta('Hel')),
      frame(delta('lo')),
      frame(finish()),
      frame(usageChunk),
      'data: [DONE]\n\n',
    ].join('');
    const expected = [
      frame(delta('Hel', false)),
      frame(delta('lo', false)),
      frame(finish(false)),
      'data: [DONE]\n\n',
    ].join('');
    // Cut at every possible byte boundary: events wait for their blank line.
    const bytes = Buffer.from(upstream);
    for (const size of [1, 7, 64, bytes.length]) {
      const strip = new StreamUsageStripper();
      let out = '';
      for (let i = 0; i < bytes.length; i += size) out += strip.push(bytes.subarray(i, i + size));
      out += strip.end();
      expect(out).toBe(expected);
    }
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const text = frame({ ...base, choices: [{ index: 0, delta: { content: 'né 🌻' } }], usage: null });
    const bytes = Buffer.from(text);
    const strip = new StreamUsageStripper();
    const cut = bytes.indexOf(0xf0) + 2;
    const out = strip.push(bytes.subarray(0, cut)) + strip.push(bytes.subarray(cut)) + strip.end();
    expect(out).toBe(frame({ ...base, choices: [{ index: 0, delta: { content: 'né 🌻' } }] }));
  });

  it('reads spaced JSON and CRLF framing the slow way; leaves usage-free events untouched', () => {
    expect(stripEvent('data: {"id": "x", "choices": [], "usage": {"prompt_tokens": 1}}\r\n\r\n')).toBe('');
    expect(stripEvent('data: {"id": "x", "usage": null, "choices": [{"index": 0}]}\r\n\r\n')).toBe(
      'data: {"id":"x","choices":[{"index":0}]}\r\n\r\n',
    );
    expect(stripEvent('data: {"usage":null,"id":"x"}\n\n')).toBe('data: {"id":"x"}\n\n');
    const untouched = 'data: {"choices":[{"delta":{"content":"the \\"usage\\":null text"}}]}\n\n';
    expect(stripEvent(untouched)).toBe(untouched);
    expect(stripEvent(': keep-alive\n\n')).toBe(': keep-alive\n\n');
    expect(stripEvent('data: [DONE]\n\n')).toBe('data: [DONE]\n\n');
  });
});
