/** Consecutive initialiser seeds, seed, seed + 1, ...: one per weight tensor of a network, so
 * the same seed builds the same weights. */
export function seedCounter(seed: number): () => number {
  let k = seed;
  return () => k++;
}
