/** Text helpers shared by the dialects: stream splitting and deterministic token estimates. */

/** Splits text into pieces of `size` code points (never inside a surrogate pair). */
export function splitText(text: string, size: number): string[] {
  const step = Math.max(1, Math.floor(size));
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += step) pieces.push(points.slice(i, i + step).join(''));
  return pieces;
}

/** Deterministic token estimate: one token per 4 characters, rounded up. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
