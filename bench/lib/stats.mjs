// Percentiles (linear interpolation between closest ranks) and medians.

export function percentile(values, q) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values) {
  const v = values.filter((x) => x !== null && x !== undefined && Number.isFinite(x));
  return v.length === 0 ? null : percentile(v, 0.5);
}

export function minMax(values) {
  const v = values.filter((x) => x !== null && x !== undefined && Number.isFinite(x));
  return v.length === 0 ? null : [Math.min(...v), Math.max(...v)];
}

export const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);
