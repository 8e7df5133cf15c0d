import type { TranslateContext } from '../canonical/model';

/** A deterministic context for tests: fixed clock, counting ids. */
export function testContext(clientModel = 'gpt-4o-client', nowMs = 1_735_689_600_000): TranslateContext {
  let n = 0;
  return {
    now: () => nowMs,
    newId: (prefix: string) => `${prefix}gen${++n}`,
    clientModel,
  };
}
