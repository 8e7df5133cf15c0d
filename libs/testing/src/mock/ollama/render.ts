import { ids } from '../ids';
import type { Script } from '../scenario';
import { content, tail } from '../stream';
import type { Frame } from '../stream';

export interface ChatMeta {
  model: string;
  /** `process.hrtime.bigint()` when the request arrived. */
  startedNs: bigint;
  /** Scripted generation time, reported in the durations. */
  generationMs: number;
}

type Message = Record<string, unknown>;

function toolCalls(script: Script): Array<Record<string, unknown>> {
  return script.toolCalls.map((call, index) => ({
    id: call.id ?? ids.ollamaToolCall(),
    function: { index, name: call.name, arguments: call.input },
  }));
}

/**
 * The final statistics: `done_reason` (`stop` even for tool calls), `prompt_eval_count` (tokens
 * evaluated: cache reads are not, and the field is omitted when 0), `eval_count`, durations in ns.
 */
function doneFields(script: Script, meta: ChatMeta): Record<string, unknown> {
  const load = 1_200_000;
  const evaluated = script.usage.input + script.usage.cacheWrite;
  const promptEval = Math.max(1, evaluated) * 40_000;
  const evalDuration = Math.max(script.usage.output * 1_000_000, meta.generationMs * 1_000_000);
  const elapsed = Number(process.hrtime.bigint() - meta.startedNs);
  const fields: Record<string, unknown> = {
    done_reason: script.finish === 'length' ? 'length' : 'stop',
    total_duration: elapsed + load + promptEval + evalDuration,
    load_duration: load,
  };
  if (evaluated > 0) fields.prompt_eval_count = evaluated;
  fields.prompt_eval_duration = promptEval;
  fields.eval_count = script.usage.output;
  fields.eval_duration = evalDuration;
  return fields;
}

/** The non-streamed `/api/chat` answer (`stream: false`). */
export function chatBody(script: Script, meta: ChatMeta): Record<string, unknown> {
  const message: Message = { role: 'assistant', content: script.text };
  if (script.reasoning.length > 0) message.thinking = script.reasoning;
  if (script.toolCalls.length > 0) message.tool_calls = toolCalls(script);
  return {
    model: meta.model,
    created_at: new Date().toISOString(),
    message,
    done: true,
    ...doneFields(script, meta),
  };
}

/**
 * NDJSON lines (WIRE-FORMATS 4.2): thinking deltas, content deltas, each tool call whole (object
 * arguments, `function.index`), then the `done: true` line with the statistics.
 */
export function chatStreamFrames(script: Script, meta: ChatMeta): Frame[] {
  const line = (message: Message): string =>
    `${JSON.stringify({ model: meta.model, created_at: new Date().toISOString(), message, done: false })}\n`;
  const frames: Frame[] = [
    ...script.reasoningPieces.map((thinking) => content(line({ role: 'assistant', content: '', thinking }))),
    ...script.textPieces.map((text) => content(line({ role: 'assistant', content: text }))),
    ...toolCalls(script).map((call) => content(line({ role: 'assistant', content: '', tool_calls: [call] }))),
  ];
  const final = {
    model: meta.model,
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content: '' },
    done: true,
    ...doneFields(script, meta),
  };
  frames.push(tail(`${JSON.stringify(final)}\n`));
  return frames;
}
