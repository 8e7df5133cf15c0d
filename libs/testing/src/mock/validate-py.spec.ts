import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { raw } from '../__fixtures__/http';
import { fixturesDir } from '../__fixtures__/wire';
import { startMockProvider } from './server';
import type { MockKind, MockProvider } from './types';

const run = promisify(execFile);

/**
 * `shared/fixtures/wire/validate.py` takes no file argument (it ignores argv, `--help` included, and
 * checks every file in its own folder). So each capture goes into a temp folder next to a symlink
 * of the script: it validates that folder, choosing the checker by file-name prefix.
 */
describe('captured mock streams pass validate.py', () => {
  const mocks: Partial<Record<MockKind, MockProvider>> = {};
  let dir: string;

  beforeAll(async () => {
    for (const kind of ['openai', 'anthropic', 'gemini', 'ollama'] as const)
      mocks[kind] = await startMockProvider(kind);
    dir = await mkdtemp(join(tmpdir(), 'mock-wire-'));
    await symlink(join(fixturesDir(), 'validate.py'), join(dir, 'validate.py'));
  });
  afterAll(async () => {
    await Promise.all(Object.values(mocks).map((m) => m.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function capture(): Promise<Record<string, string>> {
    const openai = mocks.openai!;
    const anthropic = mocks.anthropic!;
    const gemini = mocks.gemini!;
    const ollama = mocks.ollama!;
    const calls = [
      { name: 'get_weather', arguments: { city: 'Paris' } },
      { name: 'get_weather', arguments: { city: 'Tokyo' } },
    ];
    openai.enqueue({ kind: 'tool_calls', text: 'Checking.', calls });
    anthropic.enqueue({
      kind: 'tool_calls',
      text: 'Checking.',
      calls,
      usage: { input: 5, output: 9, cacheRead: 100 },
    });
    gemini.enqueue({ kind: 'tool_calls', text: 'Checking.', calls });
    ollama.enqueue({ kind: 'text', text: 'Rain later.', reasoning: 'Look at the sky.' });
    const [o, a, g, n] = await Promise.all([
      raw(`${openai.url}/chat/completions`, {
        body: {
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
          stream_options: { include_usage: true },
        },
      }),
      raw(`${anthropic.url}/v1/messages`, {
        body: {
          model: 'claude-haiku-4-5',
          max_tokens: 64,
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
        },
        headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      }),
      raw(`${gemini.url}/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
        body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
      }),
      raw(`${ollama.url}/api/chat`, {
        body: { model: 'qwen3:8b', messages: [{ role: 'user', content: 'hi' }], think: true },
      }),
    ]);
    return {
      'openai_mock_chat_stream.sse': o.text,
      'anthropic_mock_messages_stream.sse': a.text,
      'gemini_mock_stream.sse': g.text,
      'ollama_mock_chat_stream.ndjson': n.text,
    };
  }

  async function validate(files: Record<string, string>): Promise<{ code: number; out: string }> {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    try {
      const { stdout } = await run('python3', [join(dir, 'validate.py')]);
      return { code: 0, out: stdout };
    } catch (error) {
      const failed = error as { code?: number | string; stdout?: string; message: string };
      if (typeof failed.code !== 'number') throw new Error(`cannot run python3: ${failed.message}`);
      return { code: failed.code, out: failed.stdout ?? '' };
    }
  }

  it('validates one stream per dialect', async () => {
    const files = await capture();
    const { code, out } = await validate(files);
    for (const name of Object.keys(files))
      expect(out).toMatch(new RegExp(`^PASS ${name.replace(/\./g, '\\.')}: `, 'm'));
    expect(out).toMatch(
      /PASS anthropic_mock_messages_stream\.sse: .*'blocks': \['text', 'tool_use', 'tool_use'\]/,
    );
    expect(code).toBe(0);
  });

  it('the check can fail: a stream cut before [DONE] / message_stop is rejected', async () => {
    const files = await capture();
    const broken = {
      'openai_mock_chat_stream.sse': files['openai_mock_chat_stream.sse']!.replace('data: [DONE]\n\n', ''),
      'anthropic_mock_messages_stream.sse': files['anthropic_mock_messages_stream.sse']!.replace(
        /event: message_stop\n.*\n\n/,
        '',
      ),
    };
    const { code, out } = await validate(broken);
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL openai_mock_chat_stream\.sse/m);
    expect(out).toMatch(/^FAIL anthropic_mock_messages_stream\.sse/m);
  });
});
