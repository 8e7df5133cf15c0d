/** The OpenAI Chat Completions dialect: request/response codecs, stream decoder/encoder, errors, usage. */
export { decodeOpenAIChatRequest } from './request';
export { encodeOpenAIChatRequest, reasoningEffortFor } from './request-encoder';
export type { EncodeOpenAIChatRequestOptions } from './request-encoder';
export { openAIToolCallId } from './request-encoder-messages';
export { decodeOpenAIChatResponse, encodeOpenAIChatResponse, openAICompletionId } from './response';
export type { DecodeOpenAIChatOptions } from './response';
export { createOpenAIChatStreamDecoder } from './stream-decoder';
export { createOpenAIChatStreamEncoder } from './stream-encoder';
export type { OpenAIChatStreamEncoderOptions } from './stream-encoder';
export { decodeOpenAIStreamError, encodeOpenAIError, openAIErrorType } from './errors';
export type { OpenAIErrorBody } from './errors';
export { decodeOpenAIUsage, encodeOpenAIUsage } from './usage';
export type { OpenAIUsage } from './usage';
export { clientFinishReason, fromOpenAIFinishReason, toOpenAIFinishReason } from './finish-reason';
export type { OpenAIFinishReason } from './finish-reason';
export { openAIToolName, openAIToolNameMap, restoreToolName } from './tool-names';
export * from './custom-tools';
