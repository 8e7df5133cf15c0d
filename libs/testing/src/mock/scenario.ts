import { estimateTokens, splitText } from './text';
import type {
  DieMidwayScenario,
  ErrorScenario,
  Scenario,
  StreamErrorScenario,
  TextScenario,
  ToolCallsScenario,
} from './types';

/** The initial default scenario of every mock. */
export const DEFAULT_SCENARIO: Scenario = { kind: 'text', text: 'Hello from the mock.' };

const DEFAULT_TEXT_PIECE = 4;
const DEFAULT_ARGUMENT_PIECE = 8;

export type GenerationScenario = TextScenario | ToolCallsScenario | DieMidwayScenario | StreamErrorScenario;

export interface ScriptToolCall {
  /** The scripted id, if any (each dialect generates its own otherwise). */
  id: string | undefined;
  name: string;
  input: Record<string, unknown>;
  /** `JSON.stringify(input)`. */
  json: string;
  /** `json` split into stream fragments. */
  pieces: string[];
}

/** Usage with every field resolved (canonical sense: input excludes cache, output includes reasoning). */
export interface ResolvedUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Of `cacheWrite`, written with a 1 hour TTL (at most `cacheWrite`). */
  cacheWrite1h: number;
  reasoning: number;
}

/** Where a stream stops early: the socket dies, or an in-band error event ends it. */
export type Cut =
  | { mode: 'die'; afterChunks: number }
  | { mode: 'error'; afterChunks: number; status: number | undefined; message: string | undefined };

/** A generation scenario resolved into what every dialect renders. */
export interface Script {
  text: string;
  textPieces: string[];
  /** Reasoning text to show ('' when the dialect/request does not expose it). */
  reasoning: string;
  reasoningPieces: string[];
  toolCalls: ScriptToolCall[];
  finish: 'stop' | 'length' | 'tool_calls';
  usage: ResolvedUsage;
  firstDelayMs: number;
  delayMs: number;
  cut: Cut | undefined;
}

/**
 * How a dialect treats scripted reasoning: `show` renders it, `hidden` only counts its tokens
 * (OpenAI Chat), `none` drops it (the request did not ask for thinking).
 */
export type ReasoningMode = 'show' | 'hidden' | 'none';

export function isErrorScenario(s: Scenario): s is ErrorScenario {
  return s.kind === 'error';
}

/** Resolves a non-error scenario for a request whose prompt is estimated at `promptTokens`. */
export function resolveScript(
  s: GenerationScenario,
  promptTokens: number,
  reasoningMode: ReasoningMode,
): Script {
  switch (s.kind) {
    case 'text': {
      const reasoningText = reasoningMode === 'none' ? '' : (s.reasoning ?? '');
      const shown = reasoningMode === 'show' ? reasoningText : '';
      const reasoningTokens = s.usage ? (s.usage.reasoning ?? 0) : estimateTokens(reasoningText.length);
      return {
        text: s.text,
        textPieces: s.chunks ?? splitText(s.text, DEFAULT_TEXT_PIECE),
        reasoning: shown,
        reasoningPieces: splitText(shown, DEFAULT_TEXT_PIECE),
        toolCalls: [],
        finish: s.finish ?? 'stop',
        usage: resolveUsage(s.usage, promptTokens, s.text.length, reasoningTokens),
        firstDelayMs: s.firstChunkDelayMs ?? 0,
        delayMs: s.chunkDelayMs ?? 0,
        cut: undefined,
      };
    }
    case 'tool_calls': {
      const size = s.argumentChunkSize ?? DEFAULT_ARGUMENT_PIECE;
      const toolCalls = s.calls.map((call): ScriptToolCall => {
        const json = JSON.stringify(call.arguments);
        return { id: call.id, name: call.name, input: call.arguments, json, pieces: splitText(json, size) };
      });
      const text = s.text ?? '';
      const outChars = toolCalls.reduce((n, c) => n + c.name.length + c.json.length, text.length);
      return {
        text,
        textPieces: splitText(text, DEFAULT_TEXT_PIECE),
        reasoning: '',
        reasoningPieces: [],
        toolCalls,
        finish: 'tool_calls',
        usage: resolveUsage(s.usage, promptTokens, outChars, s.usage?.reasoning ?? 0),
        firstDelayMs: 0,
        delayMs: 0,
        cut: undefined,
      };
    }
    case 'die_midway':
    case 'stream_error': {
      const base = resolveScript({ kind: 'text', text: s.text }, promptTokens, 'none');
      base.cut =
        s.kind === 'die_midway'
          ? { mode: 'die', afterChunks: s.afterChunks }
          : { mode: 'error', afterChunks: s.afterChunks, status: s.status, message: s.message };
      return base;
    }
  }
}

function resolveUsage(
  usage: TextScenario['usage'],
  promptTokens: number,
  outputChars: number,
  reasoningTokens: number,
): ResolvedUsage {
  if (usage) {
    return {
      input: usage.input,
      output: usage.output,
      cacheRead: usage.cacheRead ?? 0,
      cacheWrite: usage.cacheWrite ?? 0,
      cacheWrite1h: Math.min(usage.cacheWrite1h ?? 0, usage.cacheWrite ?? 0),
      reasoning: usage.reasoning ?? reasoningTokens,
    };
  }
  return {
    input: promptTokens,
    output: Math.max(1, estimateTokens(outputChars) + reasoningTokens),
    cacheRead: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    reasoning: reasoningTokens,
  };
}
