/**
 * Test support for the mock specs: golden fixtures (`shared/fixtures/wire/`, next to the repository),
 * a small independent SSE/NDJSON reader and grammar checkers that throw on the first violation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MiscFixture } from './wire-types';

/** The folder of the golden wire fixtures. */
export function fixturesDir(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) return join(dir, '..', 'shared', 'fixtures', 'wire');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('turbo.json not found above ' + __dirname);
    dir = parent;
  }
}

export function readFixture(name: string): string {
  return readFileSync(join(fixturesDir(), name), 'utf8');
}

/** A JSON fixture, cast to the loose type the caller reads it as. */
export function readJsonFixture<T>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}

/** `errors_models_misc.json`. */
export function miscFixture(): MiscFixture {
  return readJsonFixture<MiscFixture>('errors_models_misc.json');
}

/** SSE `data:` payloads parsed as JSON and cast to `T` (a `[DONE]` line is skipped). */
export function sseData<T>(text: string): T[] {
  return parseSse(text)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as T);
}

/** NDJSON lines cast to `T`. */
export function ndjson<T>(text: string): T[] {
  return parseNdjson(text) as T[];
}

export interface SseEvent {
  event?: string;
  data: string;
}

/** Splits a complete SSE body into events (LF, CRLF or CR line endings; `:` comments ignored). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.replace(/\r\n|\r/g, '\n').split('\n\n')) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.length === 0 || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0 || event !== undefined)
      events.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return events;
}

/** SSE events with their data parsed as JSON (`[DONE]` stays a string). */
export function sseJson(text: string): Array<{ event: string | undefined; json: unknown }> {
  return parseSse(text).map((e) => ({
    event: e.event,
    json: e.data === '[DONE]' ? '[DONE]' : (JSON.parse(e.data) as unknown),
  }));
}

export function parseNdjson(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as unknown);
}

/** Sorted keys of an object (for shape comparisons). */
export function keys(value: unknown, ignore: string[] = []): string[] {
  return Object.keys(value as object)
    .filter((k) => !ignore.includes(k))
    .sort();
}

export interface ToolFragment {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  id: string;
  object: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; tool_calls?: ToolFragment[]; [k: string]: unknown };
    finish_reason: string | null;
    [k: string]: unknown;
  }>;
  usage?: Record<string, unknown> | null;
  error?: unknown;
  [k: string]: unknown;
}

/** The kind of an OpenAI chat chunk, for comparing stream grammars. */
export function openaiChunkKind(json: unknown): string {
  if (json === '[DONE]') return 'done';
  const chunk = json as ChatChunk;
  const choice = chunk.choices[0];
  if (!choice) return 'usage';
  if (choice.finish_reason !== null) return 'finish';
  const delta = choice.delta;
  const parts: string[] = [];
  if (delta.role !== undefined) parts.push('role');
  if (typeof delta.content === 'string' && delta.content.length > 0) parts.push('content');
  for (const tc of delta.tool_calls ?? []) parts.push(tc.id !== undefined ? 'tool_start' : 'tool_args');
  return parts.join('+');
}

/** Kinds with consecutive repeats collapsed: `a a b` → `a b`. */
export function collapse(kinds: string[]): string[] {
  return kinds.filter((k, i) => k !== kinds[i - 1]);
}

export interface OpenAIStreamResult {
  role: string | undefined;
  content: string;
  tools: Array<{ id: string; name: string; args: string }>;
  finish: string | undefined;
  usage: Record<string, unknown> | undefined;
  done: boolean;
}

/** Replays an OpenAI chat stream with the rules of WIRE-FORMATS 1.5; throws on a violation. */
export function checkOpenAIStream(text: string): OpenAIStreamResult {
  const result: OpenAIStreamResult = {
    role: undefined,
    content: '',
    tools: [],
    finish: undefined,
    usage: undefined,
    done: false,
  };
  let id: string | undefined;
  let finished = false;
  for (const { json } of sseJson(text)) {
    if (result.done) throw new Error('data after [DONE]');
    if (json === '[DONE]') {
      result.done = true;
      continue;
    }
    const chunk = json as ChatChunk;
    if (chunk.error !== undefined) throw new Error('in-band error: ' + JSON.stringify(chunk.error));
    if (chunk.object !== 'chat.completion.chunk') throw new Error('bad object ' + chunk.object);
    id ??= chunk.id;
    if (chunk.id !== id) throw new Error('chunk id changed');
    const choice = chunk.choices[0];
    if (!choice) {
      if (!chunk.usage) throw new Error('choice-less chunk without usage');
      result.usage = chunk.usage;
      continue;
    }
    if (finished) throw new Error('choice chunk after the finish chunk');
    const delta = choice.delta;
    if (delta.role !== undefined) {
      if (result.role !== undefined) throw new Error('role sent twice');
      result.role = delta.role;
    } else if (result.role === undefined) {
      throw new Error('first chunk without role');
    }
    if (typeof delta.content === 'string') result.content += delta.content;
    for (const tc of delta.tool_calls ?? []) {
      const existing = result.tools[tc.index];
      if (!existing) {
        if (tc.index !== result.tools.length) throw new Error(`tool index ${tc.index} skipped ahead`);
        if (typeof tc.id !== 'string' || tc.type !== 'function' || typeof tc.function?.name !== 'string') {
          throw new Error('first tool fragment needs id/type/name');
        }
        result.tools.push({ id: tc.id, name: tc.function.name, args: tc.function.arguments ?? '' });
      } else {
        if ('id' in tc || 'type' in tc || (tc.function && 'name' in tc.function)) {
          throw new Error('continuation repeats id/type/name');
        }
        existing.args += tc.function?.arguments ?? '';
      }
    }
    if (choice.finish_reason !== null) {
      result.finish = choice.finish_reason;
      finished = true;
    }
  }
  for (const tool of result.tools) JSON.parse(tool.args);
  return result;
}

export interface AnthropicBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface AnthropicMessage {
  id: string;
  model: string;
  content: AnthropicBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: Record<string, unknown>;
}

interface AnthropicEvent {
  type: string;
  index?: number;
  message?: AnthropicMessage;
  content_block?: AnthropicBlock;
  delta?: {
    type?: string;
    text?: string;
    thinking?: string;
    signature?: string;
    partial_json?: string;
    stop_reason?: string;
    stop_sequence?: string | null;
  };
  usage?: Record<string, unknown>;
  error?: unknown;
}

const DELTA_BLOCK: Record<string, string> = {
  text_delta: 'text',
  input_json_delta: 'tool_use',
  thinking_delta: 'thinking',
  signature_delta: 'thinking',
};

/**
 * Replays an Anthropic Messages stream with the grammar of WIRE-FORMATS 3.4 (the SDK's
 * MessageStream rules); throws on a violation and returns the accumulated message.
 */
export function checkAnthropicStream(text: string): AnthropicMessage {
  let message: AnthropicMessage | undefined;
  let open: number | undefined;
  let stopped = false;
  let partialJson = '';
  for (const { event, data } of parseSse(text)) {
    const d = JSON.parse(data) as AnthropicEvent;
    if (event === undefined) throw new Error('event without an `event:` line');
    if (event !== d.type) throw new Error(`event name ${event} != data.type ${d.type}`);
    if (stopped) throw new Error('event after message_stop');
    if (d.type === 'error') throw new Error('in-band error: ' + JSON.stringify(d.error));
    if (d.type === 'message_start') {
      if (message) throw new Error('second message_start');
      if (!d.message) throw new Error('message_start without message');
      message = d.message;
      if (message.content.length !== 0) throw new Error('message_start with content');
      for (const k of [
        'input_tokens',
        'cache_creation_input_tokens',
        'cache_read_input_tokens',
        'output_tokens',
      ]) {
        if (typeof message.usage[k] !== 'number') throw new Error('message_start usage lacks ' + k);
      }
      continue;
    }
    if (!message) throw new Error(`${d.type} before message_start`);
    switch (d.type) {
      case 'ping':
        break;
      case 'content_block_start':
        if (open !== undefined) throw new Error('overlapping blocks');
        if (d.index !== message.content.length || !d.content_block)
          throw new Error('block index is not the next position');
        message.content.push({ ...d.content_block });
        open = d.index;
        partialJson = '';
        break;
      case 'content_block_delta': {
        const block = d.index === undefined ? undefined : message.content[d.index];
        if (d.index !== open || !block || !d.delta) throw new Error('delta for a block that is not open');
        if (DELTA_BLOCK[d.delta.type ?? ''] !== block.type)
          throw new Error(`${d.delta.type} on a ${block.type} block`);
        if (d.delta.type === 'text_delta') block.text = (block.text ?? '') + (d.delta.text ?? '');
        else if (d.delta.type === 'thinking_delta')
          block.thinking = (block.thinking ?? '') + (d.delta.thinking ?? '');
        else if (d.delta.type === 'signature_delta') block.signature = d.delta.signature;
        else partialJson += d.delta.partial_json ?? '';
        break;
      }
      case 'content_block_stop': {
        const block = d.index === undefined ? undefined : message.content[d.index];
        if (d.index !== open || !block) throw new Error('stop for a block that is not open');
        if (block.type === 'tool_use') block.input = JSON.parse(partialJson || '{}') as unknown;
        if (block.type === 'thinking' && !block.signature)
          throw new Error('thinking block without signature');
        open = undefined;
        break;
      }
      case 'message_delta':
        if (open !== undefined) throw new Error('message_delta with an open block');
        if (!d.usage || typeof d.usage.output_tokens !== 'number')
          throw new Error('message_delta without usage.output_tokens');
        message.stop_reason = d.delta?.stop_reason ?? null;
        message.stop_sequence = d.delta?.stop_sequence ?? null;
        Object.assign(message.usage, d.usage);
        break;
      case 'message_stop':
        if (!message.stop_reason) throw new Error('message_stop before message_delta');
        stopped = true;
        break;
      default:
        throw new Error('unknown event ' + d.type);
    }
  }
  if (!message || !stopped) throw new Error('no message_stop');
  return message;
}
