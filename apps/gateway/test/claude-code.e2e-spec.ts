/**
 * The real Claude Code CLI (`claude -p`, @anthropic-ai/claude-code 2.1.48) against the gateway's
 * `/anthropic` surface, with the wire-faithful provider mocks behind it (PRODUCT.md 9.1,
 * WIRE-FORMATS.md 6). A recording proxy sits between the CLI and the gateway, so each test can
 * compare what Claude Code sent with what reached the provider. The CLI runs offline: its HTTP(S)
 * proxy refuses everything except loopback.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, type ReceivedRequest } from '@optscale/testing';
import { claudeResult, claudeSessionOf, runClaude, type ClaudeJsonResult } from './support/cli-claude';
import { CLAUDE_CLI_JS, type CliResult } from './support/cli-process';
import { type ClientRequest } from './support/cli-proxy';
import { useCliHarness } from './support/cli-harness';
import type { TestStack } from './support/stack';

type RecordedEvent = ReturnType<TestStack['events']['all']>[number];

/** Hard deadline of one CLI run (the process group is killed after it). */
const CLI_DEADLINE_MS = 60_000;
const RUN_TIMEOUT_MS = CLI_DEADLINE_MS + 15_000;

const h = useCliHarness(CLAUDE_CLI_JS, '@anthropic-ai/claude-code');

interface Outcome {
  cli: CliResult;
  /** What the CLI sent, as seen before the gateway. */
  sent: ClientRequest[];
  /** Events recorded by the gateway during the run. */
  events: () => RecordedEvent[];
}

async function claude(
  model: string,
  prompt: string,
  opts: { cwd?: string; args?: string[]; env?: Record<string, string> } = {},
): Promise<Outcome> {
  const sentFrom = h.clientSide.received.length;
  const eventsFrom = h.stack.events.all().length;
  const cli = await runClaude({
    baseUrl: `${h.clientSide.url}${new URL(h.stack.base).pathname}/anthropic`,
    key: h.stack.key,
    model,
    prompt,
    home: h.dirs.make('claude-home'),
    cwd: opts.cwd ?? h.dirs.make('claude-work'),
    proxyUrl: h.offline.url,
    extraArgs: opts.args ?? [],
    extraEnv: opts.env ?? {},
    timeoutMs: CLI_DEADLINE_MS,
  });
  return {
    cli,
    sent: h.clientSide.received.slice(sentFrom),
    events: () => h.stack.events.all().slice(eventsFrom),
  };
}

/** Text of an OpenAI message content (a string or an array of parts). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

const isMessagesCall = (r: { method: string; path: string }): boolean =>
  r.method === 'POST' && /\/v1\/messages(\?|$)/.test(r.path);
const isChatCall = (r: ReceivedRequest): boolean =>
  r.method === 'POST' && r.path.startsWith('/v1/chat/completions');
/** The agent loop's calls carry the tool list; background calls (titles, topics) do not. */
const isAgentCall = (json: unknown): boolean =>
  Array.isArray((json as { tools?: unknown[] } | undefined)?.tools);

/** What a test needs of a run, or an error that shows what the CLI printed. */
function details(o: Outcome, extra = ''): string {
  return `${extra}\nrequests Claude Code sent: ${o.sent.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'}\noutside traffic refused: ${h.offline.attempts.join(', ') || 'none'}\n${o.cli.describe()}`;
}

function resultOf(o: Outcome): ClaudeJsonResult {
  try {
    return claudeResult(o.cli);
  } catch (error) {
    throw new Error(details(o, (error as Error).message.split('\n')[0]));
  }
}

async function eventsOf(o: Outcome, match: (e: RecordedEvent) => boolean): Promise<RecordedEvent[]> {
  return eventually(() => {
    const found = o.events().filter(match);
    if (found.length === 0) {
      throw new Error(
        `no matching event; recorded: ${JSON.stringify(o.events().map((e) => [e.surface, e.operation, e.client, e.provider, e.status]))}`,
      );
    }
    return found;
  });
}

describe('Claude Code → /anthropic → an Anthropic provider (anthropic/claude-sonnet-4-6)', () => {
  const answer = `Anthropic route answer ${randomUUID()}`;
  let run: Outcome;

  beforeAll(async () => {
    h.stack.mocks.anthropic.reset();
    // Every call gets the answer, so extra background calls cannot take the main call's script.
    h.stack.mocks.anthropic.setDefault({ kind: 'text', text: answer });
    run = await claude('anthropic/claude-sonnet-4-6', 'Reply with one short sentence.');
  }, RUN_TIMEOUT_MS);

  it('prints the answer scripted on the provider', () => {
    const result = resultOf(run);
    expect(result.result).toBe(answer);
  });

  it('the provider gets POST /v1/messages?beta=true with anthropic-version and anthropic-beta unchanged', () => {
    resultOf(run);
    const sent = run.sent.filter((r) => isMessagesCall(r) && isAgentCall(r.json)).at(-1);
    const got = h.stack.mocks.anthropic.received
      .filter((r) => isMessagesCall(r) && isAgentCall(r.json))
      .at(-1);
    expect(sent).toBeDefined();
    expect(got).toBeDefined();
    expect(sent!.path).toMatch(/\/anthropic\/v1\/messages\?beta=true$/);
    expect(got!.path).toBe('/v1/messages?beta=true');
    expect(sent!.headers['anthropic-beta']).toEqual(expect.stringContaining('claude-code-20250219'));
    expect(got!.headers['anthropic-beta']).toBe(sent!.headers['anthropic-beta']);
    expect(got!.headers['anthropic-version']).toBe('2023-06-01');
    expect(got!.json).toMatchObject({ model: 'claude-sonnet-4-6', stream: true });
    // The gateway's key stays at the gateway; the provider gets the connection's own key.
    expect(got!.headers['x-api-key']).toBe('upstream-anthropic');
    expect(JSON.stringify(got!.headers)).not.toContain(h.stack.key);
  });

  it('records a claude-code event for the inference call', async () => {
    resultOf(run);
    const [event] = await eventsOf(run, (e) => e.operation === 'chat' && e.provider === 'anthropic');
    expect(event).toMatchObject({
      surface: 'anthropic',
      client: 'claude-code',
      provider: 'anthropic',
      clientModel: 'anthropic/claude-sonnet-4-6',
      model: 'claude-sonnet-4-6',
      stream: true,
      status: 200,
    });
    expect(event!.userAgent).toMatch(/^claude-cli\/2\.1\.48 /);
  });

  it('records the Claude Code session id (x-claude-code-session-id, else the session in metadata.user_id)', async () => {
    const result = resultOf(run);
    const sent = run.sent.filter((r) => isMessagesCall(r) && isAgentCall(r.json)).at(-1)!;
    // 2.1.48 sends no x-claude-code-session-id header; its session is in metadata.user_id.
    expect(claudeSessionOf(sent.headers, sent.json)).toBe(result.session_id);
    const events = await eventsOf(run, (e) => e.operation === 'chat' && e.client === 'claude-code');
    for (const e of events) expect(e.sessionId).toBe(result.session_id);
  });
});

describe('Claude Code → /anthropic → an OpenAI provider (openai/gpt-4.1)', () => {
  const answer = `OpenAI route answer ${randomUUID()}`;
  const prompt = 'Reply with one short sentence about ducks.';
  let run: Outcome;
  let anthropicCallsBefore = 0;

  beforeAll(async () => {
    h.stack.mocks.openai.reset();
    h.stack.mocks.openai.setDefault({ kind: 'text', text: answer });
    anthropicCallsBefore = h.stack.mocks.anthropic.received.length;
    run = await claude('openai/gpt-4.1', prompt, { env: { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: '1' } });
  }, RUN_TIMEOUT_MS);

  it('prints the answer scripted on the provider', () => {
    expect(resultOf(run).result).toBe(answer);
  });

  it('the provider gets a Chat Completions request translated from the Messages body', () => {
    resultOf(run);
    expect(h.stack.mocks.anthropic.received.length).toBe(anthropicCallsBefore);
    const got = h.stack.mocks.openai.received.filter((r) => isChatCall(r) && isAgentCall(r.json)).at(-1);
    expect(got).toBeDefined();
    const body = got!.json as {
      model: string;
      stream?: boolean;
      messages: Array<{ role: string; content: unknown }>;
      tools: Array<{ type: string; function: { name: string; parameters: unknown } }>;
    };
    expect(body.model).toBe('gpt-4.1');
    expect(body.stream).toBe(true);
    // Anthropic-only fields are not sent to an OpenAI upstream.
    expect(body).not.toHaveProperty('system');
    expect(body).not.toHaveProperty('thinking');
    // The system blocks become a system (or developer) message first; the prompt a user message.
    expect(['system', 'developer']).toContain(body.messages[0]!.role);
    expect(textOf(body.messages[0]!.content)).toContain('Claude');
    const users = body.messages.filter((m) => m.role === 'user').map((m) => textOf(m.content));
    expect(users.some((t) => t.includes(prompt))).toBe(true);
    // Claude Code's tools become function tools with their JSON schemas.
    const names = body.tools.map((t) => t.type === 'function' && t.function.name);
    expect(names).toEqual(expect.arrayContaining(['Bash', 'Read', 'Glob', 'Grep']));
    const read = body.tools.find((t) => t.function.name === 'Read')!;
    expect(read.function.parameters).toMatchObject({
      type: 'object',
      properties: { file_path: expect.any(Object) },
    });
  });

  it('drops the x-anthropic-billing-header attribution line for the non-Anthropic upstream (WIRE-FORMATS 6.3)', () => {
    resultOf(run);
    const sent = run.sent.filter((r) => isMessagesCall(r) && isAgentCall(r.json)).at(-1)!;
    expect(JSON.stringify((sent.json as { system: unknown }).system)).toContain('x-anthropic-billing-header');
    const got = h.stack.mocks.openai.received.filter((r) => isChatCall(r) && isAgentCall(r.json)).at(-1)!;
    expect(got.body).not.toContain('x-anthropic-billing-header');
  });

  it('records a claude-code event routed to openai', async () => {
    resultOf(run);
    const [event] = await eventsOf(run, (e) => e.operation === 'chat' && e.provider === 'openai');
    expect(event).toMatchObject({
      surface: 'anthropic',
      client: 'claude-code',
      clientModel: 'openai/gpt-4.1',
      model: 'gpt-4.1',
      passthrough: false,
      status: 200,
    });
  });
});

describe.each([
  ['ollama', 'ollama/llama3.2', '/api/chat'],
  ['gemini', 'gemini/gemini-2.5-flash', ':streamGenerateContent'],
] as const)('Claude Code → /anthropic → %s (%s)', (provider, model, upstreamPath) => {
  const answer = `${provider} route answer ${randomUUID()}`;
  let run: Outcome;

  beforeAll(async () => {
    h.stack.mocks[provider].reset();
    h.stack.mocks[provider].setDefault({ kind: 'text', text: answer });
    run = await claude(model, 'Reply with one short sentence.', {
      env: { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: '1' },
    });
  }, RUN_TIMEOUT_MS);

  it('prints the answer scripted on the provider, reached in its native API', () => {
    expect(resultOf(run).result).toBe(answer);
    const paths = h.stack.mocks[provider].received.map((r) => r.path);
    expect(paths.some((p) => p.includes(upstreamPath))).toBe(true);
  });
});

describe('Claude Code tool round trip (Read) through the gateway', () => {
  /** A file in the CLI's working directory that only the Read tool can reveal. */
  function workDirWithNote(): { cwd: string; file: string; marker: string } {
    const cwd = h.dirs.make('claude-tools');
    const marker = `note-${randomUUID()}`;
    const file = join(cwd, 'notes.txt');
    writeFileSync(file, `${marker}\n`);
    return { cwd, file, marker };
  }

  it(
    'Anthropic provider: tool_use streams to Claude Code, the tool_result comes back',
    async () => {
      const { cwd, file, marker } = workDirWithNote();
      const answer = `The note says hello ${randomUUID()}`;
      const mock = h.stack.mocks.anthropic;
      mock.reset();
      mock.enqueue({
        kind: 'tool_calls',
        calls: [{ id: 'toolu_e2e_read_1', name: 'Read', arguments: { file_path: file } }],
      });
      mock.setDefault({ kind: 'text', text: answer });
      const run = await claude('anthropic/claude-sonnet-4-6', 'What does notes.txt say?', {
        cwd,
        args: ['--allowedTools', 'Read'],
      });
      const result = resultOf(run);
      expect(result.result).toBe(answer);
      expect(result.permission_denials).toEqual([]);
      const calls = mock.received.filter((r) => isMessagesCall(r) && isAgentCall(r.json));
      expect(calls.length).toBeGreaterThanOrEqual(2);
      const messages = (calls[1]!.json as { messages: Array<{ role: string; content: unknown }> }).messages;
      const assistant = messages.at(-2)!;
      const user = messages.at(-1)!;
      expect(assistant.role).toBe('assistant');
      expect(assistant.content).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'tool_use',
            id: 'toolu_e2e_read_1',
            name: 'Read',
            input: { file_path: file },
          }),
        ]),
      );
      expect(user.role).toBe('user');
      const toolResult = (
        user.content as Array<{ type: string; tool_use_id?: string; content?: unknown }>
      ).find((b) => b.type === 'tool_result');
      expect(toolResult).toMatchObject({ tool_use_id: 'toolu_e2e_read_1' });
      expect(JSON.stringify(toolResult!.content)).toContain(marker);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'OpenAI provider: tool_calls become tool_use, the tool_result becomes a tool message',
    async () => {
      const { cwd, file, marker } = workDirWithNote();
      const answer = `The note was read ${randomUUID()}`;
      const mock = h.stack.mocks.openai;
      mock.reset();
      mock.enqueue({
        kind: 'tool_calls',
        calls: [{ id: 'call_e2e_read_1', name: 'Read', arguments: { file_path: file } }],
      });
      mock.setDefault({ kind: 'text', text: answer });
      const run = await claude('openai/gpt-4.1', 'What does notes.txt say?', {
        cwd,
        args: ['--allowedTools', 'Read'],
        env: { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: '1' },
      });
      const result = resultOf(run);
      expect(result.result).toBe(answer);
      expect(result.permission_denials).toEqual([]);
      // Claude Code saw a well-formed tool_use: it ran Read with the scripted arguments.
      const sent = run.sent.filter((r) => isMessagesCall(r) && isAgentCall(r.json));
      expect(sent.length).toBeGreaterThanOrEqual(2);
      const sentMessages = (sent[1]!.json as { messages: Array<{ role: string; content: unknown }> })
        .messages;
      expect(sentMessages.at(-2)!.content).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'tool_use', name: 'Read', input: { file_path: file } }),
        ]),
      );
      // The provider got the history back in Chat Completions form.
      const calls = mock.received.filter((r) => isChatCall(r) && isAgentCall(r.json));
      expect(calls.length).toBeGreaterThanOrEqual(2);
      const messages = (
        calls[1]!.json as {
          messages: Array<{
            role: string;
            content: unknown;
            tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
            tool_call_id?: string;
          }>;
        }
      ).messages;
      const assistant = messages.find((m) => m.role === 'assistant' && m.tool_calls?.length);
      expect(assistant).toBeDefined();
      const call = assistant!.tool_calls![0]!;
      expect(call.function.name).toBe('Read');
      expect(JSON.parse(call.function.arguments)).toEqual({ file_path: file });
      const tool = messages.find((m) => m.role === 'tool');
      expect(tool).toBeDefined();
      expect(tool!.tool_call_id).toBe(call.id);
      expect(textOf(tool!.content)).toContain(marker);
    },
    RUN_TIMEOUT_MS,
  );
});
