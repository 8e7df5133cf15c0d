// What every target is sent, and how a response is checked before it is measured.

/** The mock's answer: a small chat completion, streamed as a few chunks. */
export const SCENARIO = {
  kind: 'text',
  text: 'Hello! How can I help you today?',
  chunks: ['Hello', '! How', ' can I', ' help you', ' today?'],
  usage: { input: 24, output: 9 },
};

export const ORG_ID = '7d0c2a4e-0000-4000-8000-000000000001';
export const GATEWAY_KEY = 'sk-os-bench-key-0123456789abcdef';
export const UPSTREAM_KEY = 'upstream';

const SYSTEM = 'You are a helpful assistant.';
const PROMPT = 'Say hello in one short sentence.';

function openaiBody(model, stream) {
  const body = {
    model,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: PROMPT },
    ],
    max_tokens: 32,
    temperature: 0,
  };
  if (stream) body.stream = true;
  return JSON.stringify(body);
}

function anthropicBody(model, stream) {
  const body = { model, max_tokens: 32, system: SYSTEM, messages: [{ role: 'user', content: PROMPT }] };
  if (stream) body.stream = true;
  return JSON.stringify(body);
}

/**
 * The request shapes. `origin` + `path` is where they go; `dialect` says how to check the answer.
 * @param {'openai'|'anthropic'} dialect
 */
export function requestShape({ origin, path, dialect, model, headers }) {
  const make = dialect === 'anthropic' ? anthropicBody : openaiBody;
  return {
    origin,
    path,
    dialect,
    model,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: make(model, false),
    streamBody: make(model, true),
  };
}

export function openaiHeaders(key) {
  return { authorization: `Bearer ${key}` };
}

export function anthropicHeaders(key) {
  return { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
}

/** Returns an error message, or undefined when the non-stream answer carries the scripted text. */
export function checkResponse(dialect, status, text) {
  if (status !== 200) return `status ${status}: ${text.slice(0, 300)}`;
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 300)}`;
  }
  const content =
    dialect === 'anthropic'
      ? (json.content ?? []).map((b) => b.text ?? '').join('')
      : json.choices?.[0]?.message?.content;
  if (content !== SCENARIO.text)
    return `unexpected content ${JSON.stringify(content)} in ${text.slice(0, 300)}`;
  return undefined;
}

/** Returns an error message, or undefined when the stream carries every chunk and its terminator. */
export function checkStream(dialect, status, contentType, text) {
  if (status !== 200) return `status ${status}: ${text.slice(0, 300)}`;
  if (!String(contentType).startsWith('text/event-stream')) return `content-type ${contentType}`;
  let joined = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]' || data === '') continue;
    try {
      const ev = JSON.parse(data);
      if (dialect === 'anthropic') {
        if (ev.type === 'content_block_delta' && ev.delta?.type === 'text_delta') joined += ev.delta.text;
      } else {
        joined += ev.choices?.[0]?.delta?.content ?? '';
      }
    } catch {
      return `bad SSE data line: ${line.slice(0, 200)}`;
    }
  }
  if (joined !== SCENARIO.text) return `streamed text ${JSON.stringify(joined)}`;
  const end = dialect === 'anthropic' ? 'message_stop' : 'data: [DONE]';
  if (!text.includes(end)) return `no ${end} in the stream`;
  return undefined;
}
