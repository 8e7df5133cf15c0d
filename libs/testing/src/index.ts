export { startMockProvider } from './mock/server';
export type {
  MockKind,
  MockProvider,
  MockProviderOptions,
  MockUsage,
  ReceivedRequest,
  Scenario,
  ToolCallScript,
} from './mock/types';
export { eventually } from './eventually';
export type { EventuallyOptions } from './eventually';
export { testTranslateContext, TEST_NOW_MS } from './test-context';
export type { TestTranslateContext } from './test-context';
export * from './stack';
