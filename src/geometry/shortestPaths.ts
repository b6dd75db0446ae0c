/**
 * All-pairs shortest paths on graphs.
 *
 * Hop distances (unweighted) use a bit-parallel multi-source BFS: sources are taken in batches of
 * 32 * W (W Int32 words per node); every node holds one bit per source of the batch for "visited"
 * and for "on the current frontier". One BFS level for all sources of a batch is, for every node
 * v not yet reached by all of them, next[v] = OR over neighbours u of frontier[u], minus
 * visited[v]. That costs deg(v) * W word operations for v, so a batch costs at most
 * (levels) * (2m) * W word operations and the whole run (n / 32W) * levels * 2m * W
 * = n * levels * 2m / 32 word ORs, 32 times fewer than n plain BFS passes over the arcs;
 * nodes already reached by every source of the batch are skipped, which removes most of the
 * work in the last levels. The counts are returned (`wordOps`) so benchmarks can report them.
 *
 * The geodesic mass g = sum over unordered pairs {i, j} of the hop distance is accumulated level
 * by level (popcount of new bits x level) without storing the n^2 distances. A graph that is not
 * connected has g = Infinity (and `connected: false`): a result, not an error.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import { underlyingUndirected, type Graph } from './graph.js';

/** Value in a hop-distance matrix for an unreachable pair. */
export const UNREACHABLE = 255;

export interface HopDistanceOptions {
  /** words of 32 sources per node in each batch (batch = 32 * W sources), default 4 */
  wordsPerNode?: number;
  /** also return the full n x n hop-distance matrix (Uint8, 255 = unreachable), default false */
  matrix?: boolean;
  /** progress callback, called with (sources done, n) after every batch */
  onProgress?: (done: number, total: number) => void;
}

export interface HopDistanceResult {
  n: number;
  /** sum over unordered pairs of hop distance; Infinity when the graph is disconnected */
  geodesicMass: number;
  /** sum of hop distance over connected unordered pairs only */
  finiteMass: number;
  /** number of unordered pairs {i, j} joined by a path */
  connectedPairs: number;
  connected: boolean;
  /** largest finite hop distance */
  diameter: number;
  /** word OR operations performed by the bit-parallel BFS (the work count) */
  wordOps: number;
  /** row-major n x n hop distances when `matrix: true` */
  distances?: Uint8Array;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * All-pairs hop distances of a graph (directed graphs are walked as undirected, like igraph's
 * `distances()` default `mode = "all"`).
 */
export function hopDistances(graph: Graph, options: HopDistanceOptions = {}): HopDistanceResult {
  const g = underlyingUndirected(graph);
  const { n, offsets, targets } = g;
  const W = options.wordsPerNode ?? 4;
  if (!Number.isInteger(W) || W < 1 || W > 64) {
    throw invalidOption(`wordsPerNode must be an integer in 1..64, got ${W}.`);
  }
  const wantMatrix = options.matrix ?? false;
  if (wantMatrix && n > 46000) {
    throw invalidInput(
      `a full hop-distance matrix for ${n} nodes needs ${((n * n) / 2 ** 30).toFixed(1)} GiB.`,
      'Ask for the geodesic mass only (matrix: false).',
    );
  }
  const dist = wantMatrix ? new Uint8Array(n * n).fill(UNREACHABLE) : undefined;
  const visited = new Int32Array(n * W);
  let frontier = new Int32Array(n * W);
  let next = new Int32Array(n * W);
  const done = new Uint8Array(n);
  const full = new Int32Array(W);
  const acc = new Int32Array(W);
  let mass = 0;
  let pairsOrdered = 0;
  let diameter = 0;
  let wordOps = 0;
  const B = 32 * W;
  for (let start = 0; start < n; start += B) {
    const count = Math.min(B, n - start);
    visited.fill(0);
    frontier.fill(0);
    done.fill(0);
    for (let w = 0; w < W; w++) {
      const bits = Math.max(0, Math.min(32, count - 32 * w));
      full[w] = bits === 32 ? -1 : bits === 0 ? 0 : (1 << bits) - 1;
    }
    for (let b = 0; b < count; b++) {
      const s = start + b;
      visited[s * W + (b >>> 5)] |= 1 << (b & 31);
      frontier[s * W + (b >>> 5)] |= 1 << (b & 31);
      if (dist) dist[s * n + s] = 0;
    }
    let level = 0;
    let active = true;
    while (active) {
      level++;
      active = false;
      for (let v = 0; v < n; v++) {
        const ov = v * W;
        if (done[v]) {
          for (let w = 0; w < W; w++) next[ov + w] = 0;
          continue;
        }
        const a = offsets[v];
        const e = offsets[v + 1];
        let complete = true;
        acc.fill(0);
        for (let t = a; t < e; t++) {
          const ou = targets[t] * W;
          for (let w = 0; w < W; w++) acc[w] |= frontier[ou + w];
        }
        for (let w = 0; w < W; w++) {
          const fresh = acc[w] & ~visited[ov + w];
          next[ov + w] = fresh;
          if (fresh !== 0) {
            visited[ov + w] |= fresh;
            const c = popcount(fresh);
            mass += c * level;
            pairsOrdered += c;
            active = true;
            if (dist) {
              let f = fresh;
              while (f !== 0) {
                const low = f & -f;
                const b = 32 * w + (31 - Math.clz32(low));
                dist[(start + b) * n + v] = level;
                f ^= low;
              }
            }
          }
          if (visited[ov + w] !== full[w]) complete = false;
        }
        wordOps += (e - a) * W;
        if (complete) done[v] = 1;
      }
      if (active) diameter = Math.max(diameter, level);
      if (level >= UNREACHABLE - 1 && dist && active) {
        throw invalidInput(
          `hop distances above ${UNREACHABLE - 1} do not fit the 8-bit matrix.`,
          'Use matrix: false (the geodesic mass has no such limit).',
        );
      }
      const tmp = frontier;
      frontier = next;
      next = tmp;
    }
    options.onProgress?.(start + count, n);
  }
  const connectedPairs = pairsOrdered / 2;
  const connected = connectedPairs === (n * (n - 1)) / 2;
  return {
    n,
    geodesicMass: connected ? mass / 2 : Infinity,
    finiteMass: mass / 2,
    connectedPairs,
    connected,
    diameter,
    wordOps,
    distances: dist,
  };
}

/** Hop distances from one source by plain BFS (-1 = unreachable). The simple reference. */
export function bfsHopDistances(graph: Graph, source: number): Int32Array {
  const g = underlyingUndirected(graph);
  const d = new Int32Array(g.n).fill(-1);
  const queue = new Int32Array(g.n);
  let head = 0;
  let tail = 0;
  d[source] = 0;
  queue[tail++] = source;
  while (head < tail) {
    const v = queue[head++];
    for (let t = g.offsets[v]; t < g.offsets[v + 1]; t++) {
      const w = g.targets[t];
      if (d[w] < 0) {
        d[w] = d[v] + 1;
        queue[tail++] = w;
      }
    }
  }
  return d;
}

export interface WeightedPathOptions {
  /** progress callback, called with (sources done, n) */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Weighted all-pairs shortest-path sum by Dijkstra from every node (binary heap). `weights`
 * lies beside `graph.targets` (weight of arc targets[t] is weights[t]); it must be symmetric
 * for an undirected graph. Returns the sum over unordered pairs (Infinity when disconnected).
 * Directed graphs are walked along their arcs only.
 */
export function weightedGeodesicMass(
  graph: Graph,
  weights: Float64Array,
  options: WeightedPathOptions = {},
): { geodesicMass: number; connected: boolean } {
  const { n, offsets, targets } = graph;
  if (weights.length !== targets.length) {
    throw invalidInput(`weights has ${weights.length} values for ${targets.length} arcs.`);
  }
  for (let t = 0; t < weights.length; t++) {
    if (!(weights[t] >= 0)) {
      throw invalidInput(
        `weight ${t} is ${weights[t]}; Dijkstra needs non-negative weights.`,
        'Use non-negative edge lengths.',
      );
    }
  }
  const dist = new Float64Array(n);
  const heapNode = new Int32Array(targets.length + n);
  const heapKey = new Float64Array(targets.length + n);
  let total = 0;
  let connected = true;
  for (let s = 0; s < n; s++) {
    dist.fill(Infinity);
    dist[s] = 0;
    let size = 0;
    const push = (v: number, key: number) => {
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heapKey[p] <= key) break;
        heapKey[i] = heapKey[p];
        heapNode[i] = heapNode[p];
        i = p;
      }
      heapKey[i] = key;
      heapNode[i] = v;
    };
    push(s, 0);
    while (size > 0) {
      const v = heapNode[0];
      const key = heapKey[0];
      const lastKey = heapKey[--size];
      const lastNode = heapNode[size];
      let i = 0;
      while (true) {
        let c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && heapKey[c + 1] < heapKey[c]) c++;
        if (heapKey[c] >= lastKey) break;
        heapKey[i] = heapKey[c];
        heapNode[i] = heapNode[c];
        i = c;
      }
      heapKey[i] = lastKey;
      heapNode[i] = lastNode;
      if (key > dist[v]) continue;
      for (let t = offsets[v]; t < offsets[v + 1]; t++) {
        const w = targets[t];
        const nd = key + weights[t];
        if (nd < dist[w]) {
          dist[w] = nd;
          push(w, nd);
        }
      }
    }
    for (let v = 0; v < n; v++) {
      if (v === s) continue;
      if (dist[v] === Infinity) connected = false;
      else total += dist[v];
    }
    options.onProgress?.(s + 1, n);
  }
  return { geodesicMass: connected ? (graph.directed ? total : total / 2) : Infinity, connected };
}
