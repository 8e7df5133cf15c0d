/** The shape of `TranslateContext` (libs/protocol), restated so this package depends on no other lib. */
export interface TestTranslateContext {
  now(): number;
  newId(prefix: string): string;
  clientModel: string;
}

/** 2025-01-01T00:00:00Z. */
export const TEST_NOW_MS = 1735689600000;

/**
 * A deterministic translation context: a fixed clock and counter ids
 * (`newId('msg_')` → `msg_test_0001`, then `…_0002`, one counter per context).
 */
export function testTranslateContext(clientModel = 'test-model'): TestTranslateContext {
  let counter = 0;
  return {
    now: () => TEST_NOW_MS,
    newId: (prefix: string) => `${prefix}test_${String(++counter).padStart(4, '0')}`,
    clientModel,
  };
}
