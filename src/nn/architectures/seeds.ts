/** Consecutive initialiser seeds, seed, seed + 1, ...: one per weight tensor of a network, so
 * the same seed builds the same weights. */
export function seedCounter(seed: number): () => number {
  let k = seed;
  return () => k++;
}

/**
 * What a seed becomes for tfjs' Gaussian initialisers (heNormal, truncatedNormal, randomNormal).
 * Their generator takes `seed ? seed : Math.random()`, so seed 0 meant no seed at all: the
 * first convolution of every seed-0 CNN (and the first Gaussian tensor of a seed-0 Transformer)
 * got different weights on every build, and a seed-0 network trained differently run to run
 * (docs/networks.md, "Reproducible weights"). 0 is replaced by 0.5, which no integer seed
 * equals; every other seed is passed as is (so networks of other seeds keep their weights). The
 * uniform initialisers (glorotUniform) treat 0 as a seed and do not need this.
 */
export function gaussianSeed(seed: number): number {
  return seed === 0 ? ZERO_SEED_STANDIN : seed;
}

/** The seed the Gaussian initialisers get in place of 0 (see `gaussianSeed`). */
export const ZERO_SEED_STANDIN = 0.5;
