import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest } from '../canonical/model';
import { ProtocolError } from '../errors';
import { decodeCursorBody, decodeCursorRequest } from './request-decode';
import { decodeCursorToolChoice } from './tools';
import { customToolInput } from '../openai-chat/custom-tools';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8')) as unknown;
}

function paramOf(fn: () => unknown): string | null | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.param;
    throw e;
  }
  return undefined;
}

const PATCH =
  '*** Begin Patch\n*** Update File: src/math.ts\n-export const add = (a: number, b: number) => a - b;\n' +
  '+export const add = (a: number, b: number) => a + b;\n*** End Patch';

const CUSTOM_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string' } },
  required: ['input'],
};

describe('decodeCursorRequest (recorded-style bodies)', () => {
  it('decodes a Responses-shaped agent body with flat, custom and input_schema tools', () => {
    const decoded = decodeCursorBody(fixture('agent_responses_input.json'));
    expect(decoded.customToolNames).toStrictEqual(['ApplyPatch']);
    expect(decoded.request).toStrictEqual({
      model: 'gpt-5-codex',
      system: [
        { type: 'text', text: 'You are an AI coding assistant, powered by GPT-5. You operate in Cursor.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: '<user_info>\nOS Version: darwin 24.5.0\nWorkspace Path: /Users/dev/app\n</user_info>',
            },
            { type: 'text', text: '<user_query>\nFix the failing test in src/math.ts\n</user_query>' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '**Reading the file first**' },
            {
              type: 'opaque',
              dialect: 'openai-responses',
              value: {
                type: 'reasoning',
                id: 'rs_68a1f2',
                summary: [{ type: 'summary_text', text: '**Reading the file first**' }],
                encrypted_content: 'gAAAAABo-encrypted-blob',
              },
            },
            {
              type: 'tool_call',
              id: 'call_Rk2d9',
              name: 'read_file',
              arguments: '{"target_file":"src/math.ts"}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_Rk2d9',
              content: [{ type: 'text', text: 'export const add = (a: number, b: number) => a - b;\n' }],
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: '`add` subtracts. Patching it.' },
            {
              type: 'tool_call',
              id: 'call_Pq7x1',
              name: 'ApplyPatch',
              arguments: JSON.stringify({ input: PATCH }),
            },
          ],
        },
        {
          // The whitespace-only user turn joined the tool-result turn and was dropped as blank.
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_Pq7x1',
              content: [{ type: 'text', text: 'Success. Updated the following files:\nM src/math.ts' }],
            },
          ],
        },
      ],
      stream: true,
      tools: [
        {
          name: 'read_file',
          description: 'Read the contents of a file.',
          parameters: {
            type: 'object',
            properties: { target_file: { type: 'string' } },
            required: ['target_file'],
          },
          strict: false,
        },
        {
          name: 'ApplyPatch',
          custom: true,
          description:
            'Use the `ApplyPatch` tool to edit files.\n\nThe input must match this lark grammar:\n' +
            'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?',
          parameters: CUSTOM_PARAMETERS,
        },
        {
          name: 'run_terminal_cmd',
          description: 'Run a terminal command.',
          parameters: {
            type: 'object',
            properties: { command: { type: 'string' }, is_background: { type: 'boolean' } },
            required: ['command', 'is_background'],
          },
        },
      ],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
      includeUsage: true,
      maxTokens: 32000,
      reasoning: { enabled: true, effort: 'medium' },
      passthrough: {
        dialect: 'openai-responses',
        fields: {
          include: ['reasoning.encrypted_content'],
          store: false,
          prompt_cache_retention: '24h',
          truncation: 'auto',
          reasoning: { summary: 'auto' },
          text: { verbosity: 'low' },
        },
      },
    } satisfies ChatRequest);
  });

  it('rebuilds the conversation from messages when input lacks the tool results', () => {
    expect(decodeCursorRequest(fixture('agent_hybrid_tool_loop.json'))).toStrictEqual({
      model: 'anthropic/claude-sonnet-4-5',
      system: [
        { type: 'text', text: 'You are a powerful agentic AI coding assistant.' },
        { type: 'text', text: 'Always use tools to inspect the workspace.' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'List the files, then run the tests.' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Listing the workspace.' },
            {
              type: 'tool_call',
              id: 'toolu_01A',
              name: 'list_dir',
              arguments: '{"relative_workspace_path":"."}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'toolu_01A',
              content: [{ type: 'text', text: 'package.json\nsrc/\ntest/' }],
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_call',
              id: 'call_02B',
              name: 'run_terminal_cmd',
              arguments: '{"command":"npm test","is_background":false}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_02B',
              content: [{ type: 'text', text: '1 failing: add() returns -1' }],
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_call',
              id: 'call_03C',
              name: 'read_file',
              arguments: '{"target_file":"src/math.ts"}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_03C',
              content: [{ type: 'text', text: 'export const add = (a, b) => a - b;' }],
            },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: '...' }] },
      ],
      stream: true,
      tools: [
        {
          name: 'list_dir',
          description: 'List the contents of a directory.',
          parameters: {
            type: 'object',
            properties: { relative_workspace_path: { type: 'string' } },
            required: ['relative_workspace_path'],
          },
        },
        {
          name: 'run_terminal_cmd',
          description: 'Run a terminal command.',
          parameters: {
            type: 'object',
            properties: { command: { type: 'string' }, is_background: { type: 'boolean' } },
            required: ['command', 'is_background'],
          },
        },
        {
          name: 'read_file',
          description: 'Read the contents of a file.',
          parameters: {
            type: 'object',
            properties: { target_file: { type: 'string' } },
            required: ['target_file'],
          },
        },
      ],
      includeUsage: true,
      maxTokens: 4096,
      temperature: 0.2,
    } satisfies ChatRequest);
  });

  it('decodes a Chat-shaped body with top-level system blocks and a Chat custom tool', () => {
    const decoded = decodeCursorBody(fixture('chat_custom_tools.json'));
    expect(decoded.customToolNames).toStrictEqual(['ApplyPatch']);
    expect(decoded.request).toStrictEqual({
      model: 'claude-opus-4-5',
      system: [{ type: 'text', text: "You are Cursor's Ask mode." }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What does this screenshot show?' },
            {
              type: 'image',
              source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
              detail: 'low',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_call',
              id: 'call_c1',
              name: 'ApplyPatch',
              arguments: JSON.stringify({ input: '*** Begin Patch\n*** End Patch' }),
            },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', toolCallId: 'call_c1', content: [{ type: 'text', text: 'Done' }] },
          ],
        },
      ],
      stream: false,
      tools: [
        { name: 'ApplyPatch', custom: true, description: 'Edit files.', parameters: CUSTOM_PARAMETERS },
      ],
      toolChoice: { type: 'tool', name: 'ApplyPatch' },
      stop: ['END'],
      seed: 7,
      user: 'cursor-user-1',
      reasoning: { enabled: true, effort: 'high' },
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
    } satisfies ChatRequest);
  });
});

describe('decodeCursorRequest (rules)', () => {
  it('replaces empty or whitespace-only user turns with a placeholder', () => {
    const req = decodeCursorRequest({
      model: 'm',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: ' \n ' }] },
        { role: 'assistant', content: '' },
        { role: 'user', content: '' },
        { role: 'user', content: [] },
      ],
    });
    expect(req.messages).toStrictEqual([
      { role: 'user', content: [{ type: 'text', text: '...' }] },
      { role: 'user', content: [{ type: 'text', text: '...' }] },
      { role: 'user', content: [{ type: 'text', text: '...' }] },
    ]);
  });

  it('keeps input when it already carries tool results', () => {
    const req = decodeCursorRequest({
      model: 'm',
      input: [
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'from input' },
      ],
      messages: [{ role: 'tool', tool_call_id: 'c1', content: 'from messages' }],
    });
    expect(req.messages[1]).toStrictEqual({
      role: 'user',
      content: [{ type: 'tool_result', toolCallId: 'c1', content: [{ type: 'text', text: 'from input' }] }],
    });
  });

  it('keeps input when messages has no tool results either', () => {
    const req = decodeCursorRequest({
      model: 'm',
      input: 'from input',
      messages: [{ role: 'user', content: 'from messages' }],
    });
    expect(req.messages).toStrictEqual([{ role: 'user', content: [{ type: 'text', text: 'from input' }] }]);
  });

  it('puts tool_result blocks before the text of the same user turn', () => {
    const req = decodeCursorRequest({
      model: 'm',
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'here you go' },
            { type: 'tool_result', tool_use_id: 't1', content: 'boom', is_error: true },
          ],
        },
      ],
    });
    expect(req.messages).toStrictEqual([
      { role: 'assistant', content: [{ type: 'tool_call', id: 't1', name: 'f', arguments: '{}' }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', toolCallId: 't1', content: [{ type: 'text', text: 'boom' }], isError: true },
          { type: 'text', text: 'here you go' },
        ],
      },
    ]);
  });

  it('names the offending field of a malformed body', () => {
    expect(paramOf(() => decodeCursorRequest([]))).toBeNull();
    expect(paramOf(() => decodeCursorRequest({ messages: [{ role: 'user', content: 'x' }] }))).toBe('model');
    expect(paramOf(() => decodeCursorRequest({ model: 'm' }))).toBe('messages');
    expect(paramOf(() => decodeCursorRequest({ model: 'm', input: [], messages: [] }))).toBe('messages');
    expect(
      paramOf(() =>
        decodeCursorRequest({
          model: 'm',
          messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'f', input: {} }] }],
        }),
      ),
    ).toBe('messages[0].content[0].id');
    expect(
      paramOf(() => decodeCursorRequest({ model: 'm', messages: [{ role: 'tool', content: 'x' }] })),
    ).toBe('messages[0].tool_call_id');
    expect(
      paramOf(() => decodeCursorRequest({ model: 'm', input: 'x', tools: [{ description: 'no name' }] })),
    ).toBe('tools[0].name');
    expect(paramOf(() => decodeCursorRequest({ model: 'm', input: 'x', max_tokens: -1 }))).toBe('max_tokens');
  });
});

describe('Cursor tool helpers', () => {
  it('reads tool_choice in Chat, Responses and Anthropic forms', () => {
    expect(decodeCursorToolChoice('required')).toStrictEqual({ type: 'required' });
    expect(decodeCursorToolChoice({ type: 'any' })).toStrictEqual({ type: 'required' });
    expect(decodeCursorToolChoice({ type: 'function', name: 'f' })).toStrictEqual({
      type: 'tool',
      name: 'f',
    });
    expect(decodeCursorToolChoice({ type: 'function', function: { name: 'f' } })).toStrictEqual({
      type: 'tool',
      name: 'f',
    });
    expect(decodeCursorToolChoice({ type: 'tool', name: 'f' })).toStrictEqual({ type: 'tool', name: 'f' });
    expect(decodeCursorToolChoice({ type: 'allowed_tools', mode: 'auto', tools: [] })).toBeUndefined();
  });

  it('maps a custom tool call back to its raw input', () => {
    expect(customToolInput(JSON.stringify({ input: '*** Begin Patch' }))).toBe('*** Begin Patch');
    expect(customToolInput('{"other":1}')).toBeUndefined();
    expect(customToolInput('not json')).toBeUndefined();
  });
});
