/**
 * Initialiser seeds a network's seed reserves: network seed s gives its weight tensors the seeds
 * s * SEED_STRIDE, s * SEED_STRIDE + 1, ... The seeds of two networks never meet. (They were
 * s, s + 1, ...: network s + 1's k-th tensor then started from the same seed as network s's
 * (k + 1)-th, so same-shaped layers of neighbouring seeds began with equal weights, which biases
 * every comparison across seeds; docs/networks.md, "Reproducible weights".)
 */
export const SEED_STRIDE = 1000;

/** The seed of tensor `k` (0, 1, ...) of the network of seed `seed`. */
export function tensorSeed(seed: number, k: number): number {
  if (k >= SEED_STRIDE)
    throw new Error(
      `a network has more than ${SEED_STRIDE} seeded weight tensors (internal limit)`,
    );
  return seed * SEED_STRIDE + k;
}

/** Successive tensor seeds of one network (`tensorSeed(seed, 0)`, `tensorSeed(seed, 1)`, ...),
 * so the same seed builds the same weights. */
export function seedCounter(seed: number): () => number {
  let k = 0;
  return () => tensorSeed(seed, k++);
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
