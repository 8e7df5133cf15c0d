/**
 * Builds canonical turns from a flat list of items (Responses `input`, Chat `messages`).
 *
 * Rules, so every decoder normalizes the same way:
 * - system/developer text before the first user or assistant turn is the system prompt; later it
 *   is a mid-conversation `system` turn;
 * - assistant-side items (messages, `function_call`, `reasoning`) that follow each other form one
 *   assistant turn (Responses sends a call as its own item after the message);
 * - tool results start a user turn, consecutive results share it, and user content that follows
 *   joins that turn after the results (the canonical Anthropic shape: results first).
 */
import type { ContentPart, Message, TextPart, ToolResultPart } from '../canonical/model';

export class TurnBuilder {
  readonly system: TextPart[] = [];
  readonly messages: Message[] = [];

  addSystem(parts: ContentPart[]): void {
    if (this.messages.length === 0) {
      for (const p of parts) if (p.type === 'text') this.system.push(p);
      return;
    }
    this.messages.push({ role: 'system', content: parts });
  }

  addUser(parts: ContentPart[], name?: string): void {
    const results = parts.filter((p): p is ToolResultPart => p.type === 'tool_result');
    const rest = parts.filter((p) => p.type !== 'tool_result');
    if (results.length > 0) this.addToolResults(results);
    if (results.length > 0 && rest.length === 0) return;
    const last = this.messages[this.messages.length - 1];
    if (last && last.role === 'user' && rest.length > 0 && isToolResultsOnly(last)) {
      last.content.push(...rest);
      if (name !== undefined && last.name === undefined) last.name = name;
      return;
    }
    this.messages.push(withName({ role: 'user', content: rest }, name));
  }

  addToolResults(results: ToolResultPart[]): void {
    if (results.length === 0) return;
    const last = this.messages[this.messages.length - 1];
    if (last && last.role === 'user' && isToolResultsOnly(last)) {
      last.content.push(...results);
      return;
    }
    this.messages.push({ role: 'user', content: [...results] });
  }

  addAssistant(parts: ContentPart[], name?: string): void {
    const last = this.messages[this.messages.length - 1];
    if (last && last.role === 'assistant') {
      last.content.push(...parts);
      if (name !== undefined && last.name === undefined) last.name = name;
      return;
    }
    this.messages.push(withName({ role: 'assistant', content: [...parts] }, name));
  }
}

function isToolResultsOnly(message: Message): boolean {
  return message.content.length > 0 && message.content.every((p) => p.type === 'tool_result');
}

function withName(message: Message, name: string | undefined): Message {
  if (name !== undefined) message.name = name;
  return message;
}
