import type { SseEvent } from '../sse/sse-parser';
import { isObject, text, tryParseJson } from './json';

/** Delta types each block type accepts (what `@anthropic-ai/sdk`'s MessageStream and Claude Code check). */
const DELTAS: Readonly<Record<string, readonly string[]>> = {
  text: ['text_delta', 'citations_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
  server_tool_use: ['input_json_delta'],
  redacted_thinking: [],
};

/**
 * Checks an Anthropic SSE stream against the client-side invariants of WIRE-FORMATS 3.4: `event:`
 * names matching `type`, one `message_start` first, strictly sequential non-overlapping blocks,
 * delta types matching their block, tool input that parses, `message_delta` with `usage.output_tokens`,
 * `message_stop` last (or an `error` ending the stream). Returns the violations (empty = valid).
 */
export function anthropicStreamViolations(events: readonly SseEvent[]): string[] {
  const problems: string[] = [];
  let started = false;
  let nextIndex = 0;
  let open: { index: number; type: string; json: string } | null = null;
  let sawDelta = false;
  let ended = false;
  events.forEach((event, i) => {
    const at = `event ${i}`;
    const data = tryParseJson(event.data);
    if (!isObject(data)) return void problems.push(`${at}: data is not a JSON object`);
    const type = text(data.type) ?? '';
    if (event.event !== type) problems.push(`${at}: SSE name ${String(event.event)} ≠ type ${type}`);
    if (ended) problems.push(`${at}: ${type} after the end of the stream`);
    if (type === 'ping') return;
    if (type === 'error') {
      ended = true;
      return;
    }
    if (!started && type !== 'message_start') problems.push(`${at}: ${type} before message_start`);
    const index = typeof data.index === 'number' ? data.index : -1;
    switch (type) {
      case 'message_start':
        if (started) problems.push(`${at}: second message_start`);
        started = true;
        if (!isObject(data.message) || !isObject(data.message.usage))
          problems.push(`${at}: message_start without usage`);
        break;
      case 'content_block_start': {
        if (open) problems.push(`${at}: block ${index} opened while block ${open.index} is open`);
        if (index !== nextIndex) problems.push(`${at}: block index ${index}, expected ${nextIndex}`);
        if (sawDelta) problems.push(`${at}: block after message_delta`);
        nextIndex = index + 1;
        const block = isObject(data.content_block) ? data.content_block : {};
        open = { index, type: text(block.type) ?? '', json: '' };
        if (open.type === 'tool_use' && (typeof block.id !== 'string' || typeof block.name !== 'string')) {
          problems.push(`${at}: tool_use block without id/name`);
        }
        break;
      }
      case 'content_block_delta': {
        const delta = isObject(data.delta) ? data.delta : {};
        const deltaType = text(delta.type) ?? '';
        if (!open || open.index !== index) {
          problems.push(`${at}: delta for block ${index}, which is not open`);
          break;
        }
        const allowed = DELTAS[open.type];
        if (allowed && !allowed.includes(deltaType)) {
          problems.push(`${at}: ${deltaType} into a ${open.type} block`);
        }
        if (deltaType === 'input_json_delta') open.json += text(delta.partial_json) ?? '';
        break;
      }
      case 'content_block_stop':
        if (!open || open.index !== index) {
          problems.push(`${at}: stop for block ${index}, which is not open`);
          break;
        }
        if (open.type === 'tool_use' && open.json !== '' && !isObject(tryParseJson(open.json))) {
          problems.push(`${at}: tool_use input is not a JSON object: ${open.json}`);
        }
        open = null;
        break;
      case 'message_delta': {
        if (open) problems.push(`${at}: message_delta while block ${open.index} is open`);
        if (sawDelta) problems.push(`${at}: second message_delta`);
        sawDelta = true;
        const usage = data.usage;
        if (!isObject(usage) || typeof usage.output_tokens !== 'number') {
          problems.push(`${at}: message_delta without usage.output_tokens`);
        }
        break;
      }
      case 'message_stop':
        if (!sawDelta) problems.push(`${at}: message_stop without message_delta`);
        ended = true;
        break;
      default:
        break;
    }
  });
  if (!ended) problems.push('stream ended without message_stop or error');
  return problems;
}
