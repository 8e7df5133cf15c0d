import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson, sendText } from '../http';
import type { ErrorScenario } from '../types';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const NDJSON_TYPE = 'application/x-ndjson';

export const jsonHeaders: OutgoingHttpHeaders = { 'content-type': JSON_TYPE };

function defaultMessage(status: number, model: string): string {
  switch (status) {
    case 400:
      return 'invalid request';
    case 401:
      return 'unauthorized';
    case 404:
      return `model "${model}" not found, try pulling it first`;
    case 429:
      return 'too many requests';
    default:
      return status >= 500 ? 'an error was encountered while running the model' : 'invalid request';
  }
}

/** Ollama's error body: `{"error": "<message>"}`. */
export function sendOllamaError(
  res: ServerResponse,
  status: number,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  sendJson(res, status, { error: message }, { ...jsonHeaders, ...extraHeaders });
}

export function sendOllamaScenarioError(res: ServerResponse, s: ErrorScenario, model: string): void {
  if (s.rawBody !== undefined) {
    sendText(res, s.status, s.rawBody, { ...jsonHeaders, ...(s.headers ?? {}) });
    return;
  }
  sendOllamaError(res, s.status, s.message ?? defaultMessage(s.status, model), s.headers);
}

/** The NDJSON line that reports an error after the 200 has been sent. */
export function streamErrorLine(message: string | undefined): string {
  return `${JSON.stringify({ error: message ?? defaultMessage(500, '') })}\n`;
}
