/**
 * Approximate k nearest neighbours by NN-descent (W. Dong, M. Charikar, K. Li, "Efficient
 * k-nearest neighbor graph construction for generic similarity measures", WWW 2011).
 *
 * Start from k random neighbours per point; repeatedly, for every point v, compare every pair
 * among v's neighbours and reverse neighbours ("a neighbour of a neighbour is likely a
 * neighbour"), keeping for each point the k closest seen, until fewer than delta * n * k
 * updates happen in a round. Only pairs involving at least one "new" entry (not yet joined) are
 * compared, and each list is sampled down to rho * k entries (the paper's sampling).
 *
 * Distances in the result are exact (double precision, from coordinate differences); the
 * neighbour sets are approximate: recall@k is measured in bench/intdim.ts.
 */
import type { Matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import { squaredDistanceRows } from './knnNaive.js';

export interface NnDescentOptions {
  /** Seed of the random initial graph and sampling. Default 0. */
  seed?: number;
  /** Stop when a round makes fewer than delta * n * k updates (paper: 0.001). */
  delta?: number;
  /** Sample rate of the local joins (paper: rho = 1 for best recall; 0.5 is faster). Default 1. */
  rho?: number;
  /** Maximum rounds. Default 30. */
  maxIterations?: number;
  onProgress?: (fraction: number) => void;
}

export interface ApproximateKnnResult {
  k: number;
  n: number;
  indices: Int32Array;
  distances: Float64Array;
  /** rounds of NN-descent run */
  iterations?: number;
}

export function nnDescent(
  cloud: Matrix,
  k: number,
  options: NnDescentOptions = {},
): ApproximateKnnResult {
  const { data, rows: n, cols: d } = cloud;
  const rng = createRng(options.seed ?? 0);
  const delta = options.delta ?? 0.001;
  const rho = options.rho ?? 1;
  const maxIterations = options.maxIterations ?? 30;
  const sampleSize = Math.max(1, Math.round(rho * k));
  // per-point max-heaps of size k: squared distance, index, "new" flag
  const hD = new Float64Array(n * k).fill(Infinity);
  const hI = new Int32Array(n * k).fill(-1);
  const hNew = new Uint8Array(n * k);

  const contains = (v: number, u: number): boolean => {
    const b = v * k;
    for (let t = 0; t < k; t++) if (hI[b + t] === u) return true;
    return false;
  };
  /** inserts u into v's heap if closer than its worst; returns 1 if it changed */
  const update = (v: number, u: number, dist: number): number => {
    const b = v * k;
    if (dist >= hD[b] || contains(v, u)) return 0;
    let p = 0;
    while (true) {
      const l = 2 * p + 1;
      if (l >= k) break;
      const r = l + 1;
      const c = r < k && hD[b + r] > hD[b + l] ? r : l;
      if (hD[b + c] <= dist) break;
      hD[b + p] = hD[b + c];
      hI[b + p] = hI[b + c];
      hNew[b + p] = hNew[b + c];
      p = c;
    }
    hD[b + p] = dist;
    hI[b + p] = u;
    hNew[b + p] = 1;
    return 1;
  };

  for (let v = 0; v < n; v++) {
    let added = 0;
    while (added < k) {
      const u = rng.int(n);
      if (u === v || contains(v, u)) continue;
      update(v, u, squaredDistanceRows(data, d, v, u));
      added++;
    }
  }

  let iterations = 0;
  const newList: number[][] = Array.from({ length: n }, () => []);
  const oldList: number[][] = Array.from({ length: n }, () => []);
  for (let iter = 0; iter < maxIterations; iter++) {
    iterations++;
    for (let v = 0; v < n; v++) {
      newList[v].length = 0;
      oldList[v].length = 0;
    }
    // forward lists: sample rho*k of the new entries (and mark them old), all old entries
    for (let v = 0; v < n; v++) {
      const b = v * k;
      const fresh: number[] = [];
      for (let t = 0; t < k; t++) {
        if (hI[b + t] < 0) continue;
        if (hNew[b + t]) fresh.push(t);
        else oldList[v].push(hI[b + t]);
      }
      for (let s = 0; s < fresh.length && s < sampleSize; s++) {
        const r = s + rng.int(fresh.length - s);
        const tmp = fresh[s];
        fresh[s] = fresh[r];
        fresh[r] = tmp;
        newList[v].push(hI[b + fresh[s]]);
        hNew[b + fresh[s]] = 0;
      }
    }
    // reverse lists, each capped at sampleSize by reservoir sampling
    const revNew: number[][] = Array.from({ length: n }, () => []);
    const revOld: number[][] = Array.from({ length: n }, () => []);
    const seenNew = new Int32Array(n);
    const seenOld = new Int32Array(n);
    const reservoir = (list: number[], seen: Int32Array, u: number, v: number): void => {
      seen[u]++;
      if (list.length < sampleSize) list.push(v);
      else {
        const r = rng.int(seen[u]);
        if (r < sampleSize) list[r] = v;
      }
    };
    for (let v = 0; v < n; v++) {
      for (const u of newList[v]) reservoir(revNew[u], seenNew, u, v);
      for (const u of oldList[v]) reservoir(revOld[u], seenOld, u, v);
    }
    let updates = 0;
    for (let v = 0; v < n; v++) {
      const nw = Array.from(new Set([...newList[v], ...revNew[v]]));
      const od = Array.from(new Set([...oldList[v], ...revOld[v]]));
      for (let x = 0; x < nw.length; x++) {
        const u1 = nw[x];
        for (let y = x + 1; y < nw.length; y++) {
          const u2 = nw[y];
          const dist = squaredDistanceRows(data, d, u1, u2);
          updates += update(u1, u2, dist) + update(u2, u1, dist);
        }
        for (const u2 of od) {
          if (u2 === u1) continue;
          const dist = squaredDistanceRows(data, d, u1, u2);
          updates += update(u1, u2, dist) + update(u2, u1, dist);
        }
      }
    }
    options.onProgress?.(Math.min(0.99, (iter + 1) / maxIterations));
    if (updates <= delta * n * k) break;
  }

  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const ord = Array.from({ length: k }, (_, t) => t);
  for (let v = 0; v < n; v++) {
    const b = v * k;
    ord.sort((x, y) => hD[b + x] - hD[b + y] || hI[b + x] - hI[b + y]);
    for (let t = 0; t < k; t++) {
      indices[b + t] = hI[b + ord[t]];
      distances[b + t] = Math.sqrt(hD[b + ord[t]]);
    }
  }
  options.onProgress?.(1);
  return { k, n, indices, distances, iterations };
}
