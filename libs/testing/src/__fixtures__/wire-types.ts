/**
 * Loose types of the wire bodies the specs read (what the spec asserts on, plus an index signature
 * for everything else). Parsed JSON is cast to these at the boundary of each test.
 */

type Rest = Record<string, unknown>;

// ---- OpenAI ----------------------------------------------------------------------------------
export interface OpenAIToolCall extends Rest {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}
export interface OpenAIUsage extends Rest {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: Rest;
  completion_tokens_details: { reasoning_tokens: number } & Rest;
}
export interface ChatCompletion extends Rest {
  id: string;
  object: string;
  model: string;
  choices: Array<
    {
      message: { role: string; content: string | null; tool_calls?: OpenAIToolCall[] } & Rest;
      finish_reason: string;
    } & Rest
  >;
  usage: OpenAIUsage;
}
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
export interface ResponseItem extends Rest {
  id: string;
  type: string;
  arguments?: string;
  content?: Array<{ text: string } & Rest>;
}
export interface ResponseObject extends Rest {
  id: string;
  status: string;
  store: boolean;
  output: ResponseItem[];
  usage: Rest;
  incomplete_details: unknown;
}
export interface ResponseEvent extends Rest {
  type: string;
  sequence_number: number;
  delta?: string;
  item?: ResponseItem;
  response?: ResponseObject;
}
export interface EmbeddingList extends Rest {
  data: Array<{ object: string; index: number; embedding: number[] | string }>;
  usage: { prompt_tokens: number; total_tokens: number };
}
export interface ModelList extends Rest {
  data: Array<{ id: string } & Rest>;
}

// ---- Anthropic -------------------------------------------------------------------------------
export interface AnthropicContent extends Rest {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  id?: string;
  input?: unknown;
}
export interface AnthropicMessageBody extends Rest {
  id: string;
  model: string;
  content: AnthropicContent[];
  stop_reason: string;
  usage: Rest;
}
export interface AnthropicEventData extends Rest {
  type: string;
  message?: { usage: Rest } & Rest;
  content_block?: AnthropicContent;
  delta?: { type?: string; text?: string } & Rest;
  usage?: Rest;
}
export interface AnthropicErrorBody extends Rest {
  type: 'error';
  error: { type: string; message: string };
  request_id: string | null;
}
export interface AnthropicModelList extends Rest {
  data: Array<{ id: string } & Rest>;
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

// ---- Gemini ----------------------------------------------------------------------------------
export interface GeminiPart extends Rest {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args: unknown };
  thoughtSignature?: string;
}
export interface GeminiResponse extends Rest {
  candidates: Array<{ content: { role: string; parts: GeminiPart[] }; finishReason?: string } & Rest>;
  usageMetadata: Record<string, unknown>;
  modelVersion: string;
  responseId: string;
}
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: Array<Rest> };
}

// ---- Ollama ----------------------------------------------------------------------------------
export interface OllamaToolCall extends Rest {
  id?: string;
  function: { index: number; name: string; arguments: unknown };
}
export interface OllamaLine extends Rest {
  model: string;
  created_at: string;
  message: { role: string; content: string; thinking?: string; tool_calls?: OllamaToolCall[] };
  done: boolean;
  done_reason?: string;
  total_duration?: number;
  eval_duration?: number;
}

// ---- errors_models_misc.json -----------------------------------------------------------------
interface ErrorEntry<B> {
  status: number;
  headers?: Record<string, string>;
  body: B;
}
export interface MiscFixture {
  openai: {
    errors: Record<string, ErrorEntry<OpenAIErrorBody>>;
    models_list: ModelList;
    embeddings_response: EmbeddingList;
    responses_response_min: ResponseObject;
  };
  anthropic: {
    errors: Record<string, ErrorEntry<AnthropicErrorBody>> & { mid_stream_error_sse_event: string };
    count_tokens_request: { path: string; body: Rest };
    count_tokens_response: Rest;
    models_list: AnthropicModelList;
  };
  gemini: {
    error: ErrorEntry<GeminiErrorBody>;
    generate_content_request: { path: string; headers: Record<string, string>; body: Rest };
  };
  ollama: {
    error_json: ErrorEntry<{ error: string }>;
    mid_stream_error_ndjson_line: string;
    api_chat_request: { messages: unknown[] } & Rest;
    api_chat_tool_result_message: Rest;
  };
}
