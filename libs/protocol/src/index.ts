export * from './canonical/model';
export * from './sse/sse-parser';
