/**
 * Picks one target in proportion to weights; random() in [0,1). Targets with a weight that is not
 * a positive number are never picked. Throws when nothing can be picked, which the snapshot schema
 * rules out (at least one target, weights > 0).
 */
export function pickWeighted<T extends { weight: number }>(targets: readonly T[], random: () => number): T {
  const usable = targets.filter((t) => Number.isFinite(t.weight) && t.weight > 0);
  const total = usable.reduce((sum, t) => sum + t.weight, 0);
  if (usable.length === 0) throw new Error('pickWeighted: no target with a positive weight');
  let point = random() * total;
  for (const target of usable) {
    point -= target.weight;
    if (point < 0) return target;
  }
  // Rounding can leave a sliver past the last cumulative weight.
  return usable[usable.length - 1] as T;
}
