/** OpenAI Responses API (`/v1/responses`): client-side decode/encode and upstream encode/decode. */
export { decodeResponsesRequest } from './request-decode';
export { encodeResponsesRequest } from './request-encode';
export { encodeResponsesResponse } from './response-encode';
export { decodeResponsesResponse } from './response-decode';
export { createResponsesStreamEncoder } from './stream-encode';
export { createResponsesStreamDecoder } from './stream-decode';
export type { ResponsesEcho } from './response-object';
