import { asArray, asNumber, asObject, asString } from '../json';
import type { JsonObject } from '../json';
import { invalidRequest } from './common';
import type { AnthropicError } from './common';

const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const MIN_THINKING_BUDGET = 1024;

/** Fields both `/v1/messages` and `/v1/messages/count_tokens` require. */
export function validateCommon(body: JsonObject): AnthropicError | undefined {
  if (body.model === undefined) return invalidRequest('model: Field required');
  if (body.messages === undefined) return invalidRequest('messages: Field required');
  if (!Array.isArray(body.messages)) return invalidRequest('messages: Input should be a valid list');
  return validateSystem(body.system) ?? validateMessages(body.messages as unknown[]);
}

/** `/v1/messages` checks the real API makes and gateway tests depend on (WIRE-FORMATS 3.2, 5.7). */
export function validateMessagesRequest(body: JsonObject): AnthropicError | undefined {
  if (body.model === undefined) return invalidRequest('model: Field required');
  if (body.max_tokens === undefined) return invalidRequest('max_tokens: Field required');
  const maxTokens = asNumber(body.max_tokens);
  if (maxTokens === undefined || !Number.isInteger(maxTokens) || maxTokens < 0) {
    return invalidRequest('max_tokens: Input should be a valid integer');
  }
  return validateCommon(body) ?? validateThinking(body.thinking, maxTokens);
}

function validateSystem(system: unknown): AnthropicError | undefined {
  const blocks = asArray(system);
  if (!blocks) return undefined;
  for (const block of blocks) {
    const problem = textProblem(asObject(block));
    if (problem) return invalidRequest(`system: ${problem}`);
  }
  return undefined;
}

function validateThinking(thinking: unknown, maxTokens: number): AnthropicError | undefined {
  const config = asObject(thinking);
  if (config?.type !== 'enabled') return undefined;
  const budget = asNumber(config.budget_tokens);
  if (budget === undefined) return invalidRequest('thinking.enabled.budget_tokens: Field required');
  if (budget < MIN_THINKING_BUDGET) {
    return invalidRequest(
      `thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`,
    );
  }
  if (maxTokens <= budget) {
    return invalidRequest(
      '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size',
    );
  }
  return undefined;
}

/** Empty (or whitespace-only) text blocks are rejected wherever they appear. */
function textProblem(block: JsonObject | undefined): string | undefined {
  if (block?.type !== 'text') return undefined;
  const text = asString(block.text) ?? '';
  if (text.length === 0) return 'text content blocks must be non-empty';
  if (text.trim().length === 0) return 'text content blocks must contain non-whitespace text';
  return undefined;
}

/** A run of consecutive same-role messages (the API merges them into one turn). */
interface Turn {
  role: string;
  toolUses: Array<{ id: string; index: number }>;
  toolResults: Array<{ id: string; index: number; block: number }>;
}

function validateMessages(messages: unknown[]): AnthropicError | undefined {
  const turns: Turn[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = asObject(messages[i]);
    const role = asString(message?.role);
    if (!message || role === undefined) return invalidRequest(`messages.${i}.role: Field required`);
    const isFinalAssistant = i === messages.length - 1 && role === 'assistant';
    const blocks = typeof message.content === 'string' ? undefined : asArray(message.content);
    const empty =
      typeof message.content === 'string' ? message.content.length === 0 : !blocks || blocks.length === 0;
    if (empty && !isFinalAssistant) {
      return invalidRequest(
        `messages.${i}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }
    let turn = turns[turns.length - 1];
    if (!turn || turn.role !== role) {
      turn = { role, toolUses: [], toolResults: [] };
      turns.push(turn);
    }
    for (let j = 0; j < (blocks?.length ?? 0); j++) {
      const block = asObject(blocks?.[j]);
      const problem = textProblem(block) ?? nestedTextProblem(block);
      if (problem) return invalidRequest(`messages: ${problem}`);
      if (block?.type === 'tool_use') {
        const id = asString(block.id) ?? '';
        if (!TOOL_ID.test(id)) {
          return invalidRequest(
            `messages.${i}.content.${j}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`,
          );
        }
        turn.toolUses.push({ id, index: i });
      } else if (block?.type === 'tool_result') {
        turn.toolResults.push({ id: asString(block.tool_use_id) ?? '', index: i, block: j });
      }
    }
  }
  return validateToolPairing(turns);
}

function nestedTextProblem(block: JsonObject | undefined): string | undefined {
  if (block?.type !== 'tool_result') return undefined;
  for (const inner of asArray(block.content) ?? []) {
    const problem = textProblem(asObject(inner));
    if (problem) return problem;
  }
  return undefined;
}

/** Every tool_use is answered in the very next turn; every tool_result answers the turn before. */
function validateToolPairing(turns: Turn[]): AnthropicError | undefined {
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t];
    if (!turn) continue;
    const previous = turns[t - 1];
    for (const result of turn.toolResults) {
      if (!previous?.toolUses.some((use) => use.id === result.id)) {
        return invalidRequest(
          `messages.${result.index}.content.${result.block}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${result.id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
    }
    const answered = new Set(turns[t + 1]?.toolResults.map((r) => r.id) ?? []);
    const missing = turn.toolUses.filter((use) => !answered.has(use.id));
    const first = missing[0];
    if (first) {
      return invalidRequest(
        `messages.${first.index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.map((use) => use.id).join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
  }
  return undefined;
}
