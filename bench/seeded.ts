/**
 * A small seeded generator (mulberry32) for the benches and the crash script: the same seed makes the same
 * requests, texts and kill moments, so a run that found something can be repeated exactly.
 */
export function seeded(start: number): { rand: () => number; pick: <T>(xs: readonly T[]) => T } {
  let seed = start >>> 0;
  const rand = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { rand, pick: (xs) => xs[Math.floor(rand() * xs.length)] };
}
