export * from './canonical/model';
export * from './sse/sse-parser';
export * from './errors';
export * from './anthropic';
export * from './openai-chat';
export * from './openai-responses';
export * from './cursor';
