import type { TranslateContext } from '../canonical/model';

/** A deterministic context for tests: fixed clock (2025-01-01), numbered ids. */
export function testContext(clientModel = 'claude-sonnet-4-5-20250929'): TranslateContext {
  let n = 0;
  return {
    now: () => 1735689600000,
    newId: (prefix) => `${prefix}gen${++n}`,
    clientModel,
  };
}
