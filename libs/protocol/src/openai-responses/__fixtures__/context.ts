import type { TranslateContext } from '../../canonical/model';

/** A deterministic context: fixed clock, ids `<prefix>1`, `<prefix>2`… per prefix. */
export function testContext(clientModel = 'gpt-5'): TranslateContext {
  const counters = new Map<string, number>();
  return {
    now: () => 1_741_294_021_000,
    newId: (prefix: string) => {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}${n}`;
    },
    clientModel,
  };
}
