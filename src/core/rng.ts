/**
 * Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32). Every random choice
 * in topolens takes a seed so that runs are reproducible; there is no global generator.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed = 0): Rng {
  const sm = splitmix32(seed);
  let a = sm(),
    b = sm(),
    c = sm(),
    d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  let spare: number | null = null;
  const next = (): number => {
    // 53 random bits
    const hi = nextU32() >>> 5;
    const lo = nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  return {
    next,
    int(n: number): number {
      return Math.floor(next() * n);
    },
    normal(): number {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fisher-Yates shuffle of 0..n-1, returned as Int32Array. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** m distinct indices from 0..n-1, uniformly without replacement, in random order. */
export function sampleWithoutReplacement(n: number, m: number, rng: Rng): Int32Array {
  if (m > n) throw new RangeError(`cannot sample ${m} of ${n} items without replacement`);
  // partial Fisher-Yates on a sparse map, so m << n is cheap
  const swapped = new Map<number, number>();
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const vj = swapped.get(j) ?? j;
    const vi = swapped.get(i) ?? i;
    out[i] = vj;
    swapped.set(j, vi);
  }
  return out;
}
