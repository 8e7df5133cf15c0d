export { decodeAnthropicRequest, type DecodeAnthropicRequestOptions } from './request';
export { encodeAnthropicRequest, type EncodeAnthropicRequestOptions } from './request-encode';
export { decodeAnthropicResponse, encodeAnthropicResponse, anthropicMessageId } from './response';
export { createAnthropicStreamDecoder } from './stream-decoder';
export { createAnthropicStreamEncoder, type AnthropicStreamEncoderOptions } from './stream-encoder';
export {
  anthropicErrorStatus,
  anthropicErrorType,
  decodeAnthropicError,
  encodeAnthropicError,
  isAnthropicErrorType,
  type AnthropicErrorBody,
  type AnthropicErrorType,
} from './errors';
export {
  decodeAnthropicModelList,
  encodeAnthropicModelList,
  type AnthropicModelInfo,
  type AnthropicModelList,
  type AnthropicModelListQuery,
} from './models';
export {
  decodeAnthropicUsage,
  decodeStopReason as decodeAnthropicStopReason,
  encodeAnthropicUsage,
  encodeStopReason as encodeAnthropicStopReason,
  type AnthropicStopReason,
  type AnthropicUsage,
} from './usage';
export { sanitizeToolId as sanitizeAnthropicToolId, ToolIdMap as AnthropicToolIdMap } from './tool-ids';
export { anthropicStreamViolations } from './stream-grammar';
