import { streamDialect } from './stream-dialects';
import { rewriteStream, type TextPipe } from './stream-rewriter';

const SECRET = 'sk-SECRET';

/** A stand-in guard: masks SECRET, holds back a tail that could start it, blocks on BOOM. */
function fakePipe(): TextPipe {
  let held = '';
  const flush = (all: string, final: boolean): { text: string; blocked?: string } => {
    if (all.includes('BOOM')) return { text: '', blocked: 'blocked by policy "p": guardrail "g" found BOOM' };
    let keep = 0;
    if (!final)
      for (let k = Math.min(SECRET.length - 1, all.length); k > 0; k--)
        if (SECRET.startsWith(all.slice(-k))) {
          keep = k;
          break;
        }
    held = all.slice(all.length - keep);
    return {
      text: all
        .slice(0, all.length - keep)
        .split(SECRET)
        .join('[KEY]'),
    };
  };
  return { push: (t) => flush(held + t, false), end: () => flush(held, true) };
}

async function run(dialect: Parameters<typeof streamDialect>[0], chunks: string[]): Promise<string> {
  async function* source(): AsyncGenerator<Buffer> {
    for (const c of chunks) {
      // One network read per chunk.
      await Promise.resolve();
      yield Buffer.from(c);
    }
  }
  let out = '';
  for await (const c of rewriteStream(source(), streamDialect(dialect), fakePipe)) out += c;
  return out;
}

const chat = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
const chatText = (out: string): string =>
  out
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map(
      (e) =>
        (JSON.parse(e.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta
          ?.content ?? '',
    )
    .join('');

describe('rewriteStream', () => {
  it('OpenAI chat: a secret split across chunks is masked; untouched chunks keep their bytes', async () => {
    const first = chat('Hello, ');
    const input = [
      first,
      chat('key sk-SE'),
      chat('CRET ok'),
      `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
      'data: [DONE]\n\n',
    ];
    const out = await run('openai-chat', input);
    expect(out.startsWith(first)).toBe(true);
    expect(chatText(out)).toBe('Hello, key [KEY] ok');
    expect(out).not.toContain('sk-SE');
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('OpenAI chat: held-back text goes out before the finish chunk, even split mid-event', async () => {
    const all = chat('tail sk-S') + chat('', 'stop') + 'data: [DONE]\n\n';
    const out = await run('openai-chat', [all.slice(0, 17), all.slice(17)]);
    expect(chatText(out)).toBe('tail sk-S');
    expect(out.indexOf('sk-S"')).toBeLessThan(out.indexOf('"stop"'));
  });

  it('OpenAI chat: a block ends the stream with an in-band error and [DONE]', async () => {
    const out = await run('openai-chat', [chat('fine '), chat('BOOM'), chat('never')]);
    expect(out).toContain('"error":{"message":"blocked by policy');
    expect(out).not.toContain('never');
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  const anth = (event: string, data: object): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  const delta = (text: string): string =>
    anth('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    });

  it('Anthropic: masks text deltas, flushes before content_block_stop, leaves other events alone', async () => {
    const start = anth('message_start', { type: 'message_start', message: { id: 'm' } });
    const input = [
      start,
      anth('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      delta('a sk-SEC'),
      delta('RET b sk-'),
      anth('content_block_stop', { type: 'content_block_stop', index: 0 }),
      anth('message_stop', { type: 'message_stop' }),
    ];
    const out = await run('anthropic', input);
    expect(out.startsWith(start + input[1])).toBe(true);
    const texts = [...out.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join('');
    expect(texts).toBe('a [KEY] b sk-');
    expect(out.lastIndexOf('text_delta')).toBeLessThan(out.indexOf('content_block_stop'));
  });

  it('Anthropic: a block is an error event and nothing after it', async () => {
    const out = await run('anthropic', [delta('ok '), delta('BOOM'), delta('never')]);
    expect(out).toMatch(
      /event: error\ndata: \{"type":"error","error":\{"type":"invalid_request_error","message":"blocked by policy/,
    );
    expect(out).not.toContain('never');
  });

  it('Responses: masks deltas, rewrites the done texts, renumbers after an added delta', async () => {
    const ev = (type: string, seq: number, extra: object): string =>
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...extra })}\n\n`;
    const ids = { item_id: 'msg_1', output_index: 0, content_index: 0 };
    const input = [
      ev('response.output_text.delta', 1, { ...ids, delta: 'x sk-SECRET y sk-' }),
      ev('response.output_text.done', 2, { ...ids, text: 'x sk-SECRET y sk-' }),
      ev('response.completed', 3, {
        response: {
          output: [
            { id: 'msg_1', type: 'message', content: [{ type: 'output_text', text: 'x sk-SECRET y sk-' }] },
          ],
        },
      }),
    ];
    const out = await run('openai-responses', input);
    expect(out).not.toContain('SECRET');
    const events = out
      .split('\n\n')
      .filter(Boolean)
      .map((e) => JSON.parse(e.split('data: ')[1] ?? '{}') as Record<string, unknown>);
    expect(events.map((e) => e['sequence_number'])).toEqual([1, 2, 3, 4]);
    expect(
      events
        .filter((e) => e['type'] === 'response.output_text.delta')
        .map((e) => e['delta'])
        .join(''),
    ).toBe('x [KEY] y sk-');
    expect(events[2]).toMatchObject({ type: 'response.output_text.done', text: 'x [KEY] y sk-' });
    expect(JSON.stringify(events[3])).toContain('"text":"x [KEY] y sk-"');
  });
});
