import type { ServerResponse } from 'node:http';
import type { MockRequest } from '../dialect';
import { embed, float32Base64 } from '../embedding';
import { sendJson } from '../http';
import { asArray, asNumber, asObject, asString } from '../json';
import { estimateTokens } from '../text';
import {
  INVALID_JSON_MESSAGE,
  invalidRequest,
  JSON_TYPE,
  missingParameter,
  openaiHeaders,
  sendOpenAIError,
} from './common';

const DEFAULT_DIMENSIONS = 1536;
const LARGE_DIMENSIONS = 3072;

/** An embedding input: its text (token arrays are joined) and its token count. */
interface Input {
  text: string;
  tokens: number;
}

/** `string | string[] | int[] | int[][]` → inputs; undefined when the shape is invalid or has an empty string. */
function inputsOf(input: unknown): Input[] | undefined {
  if (typeof input === 'string')
    return input.length > 0 ? [{ text: input, tokens: estimateTokens(input.length) }] : undefined;
  const list = asArray(input);
  if (!list || list.length === 0) return undefined;
  if (list.every((v) => typeof v === 'number')) return [{ text: list.join(' '), tokens: list.length }];
  const out: Input[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      if (item.length === 0) return undefined;
      out.push({ text: item, tokens: estimateTokens(item.length) });
      continue;
    }
    const tokens = asArray(item);
    if (!tokens || tokens.length === 0 || !tokens.every((v) => typeof v === 'number')) return undefined;
    out.push({ text: tokens.join(' '), tokens: tokens.length });
  }
  return out;
}

/** `POST /v1/embeddings`: deterministic vectors; `encoding_format: "base64"` = little-endian float32. */
export function handleEmbeddings(req: MockRequest, res: ServerResponse): void {
  const body = asObject(req.json);
  if (!body) {
    sendOpenAIError(res, req, 400, invalidRequest(INVALID_JSON_MESSAGE, null));
    return;
  }
  if (body.model === undefined) {
    sendOpenAIError(res, req, 400, invalidRequest('you must provide a model parameter', null));
    return;
  }
  if (body.input === undefined) {
    sendOpenAIError(res, req, 400, missingParameter('input'));
    return;
  }
  const inputs = inputsOf(body.input);
  if (!inputs) {
    sendOpenAIError(
      res,
      req,
      400,
      invalidRequest(
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        null,
      ),
    );
    return;
  }
  const format = asString(body.encoding_format) ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    sendOpenAIError(
      res,
      req,
      400,
      invalidRequest(
        `Invalid value: '${format}'. Supported values are: 'float' and 'base64'.`,
        'encoding_format',
        'invalid_value',
      ),
    );
    return;
  }
  const model = asString(body.model) ?? '';
  const dimensions =
    asNumber(body.dimensions) ?? (model.includes('3-large') ? LARGE_DIMENSIONS : DEFAULT_DIMENSIONS);
  const tokens = inputs.reduce((n, input) => n + input.tokens, 0);
  sendJson(
    res,
    200,
    {
      object: 'list',
      data: inputs.map((input, index) => {
        const vector = embed(input.text, dimensions);
        return {
          object: 'embedding',
          index,
          embedding: format === 'base64' ? float32Base64(vector) : vector,
        };
      }),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    openaiHeaders(req, JSON_TYPE),
  );
}
