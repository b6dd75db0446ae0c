/**
 * A direct, slow transcription of the backward shift pass for tests: the current filtration is a
 * dense matrix, and each visited edge is tested for domination at every time a common neighbour
 * joins (the only times at which domination can be lost), straight from the definition.
 */
import type { SparseDistances } from '../../src/core/distances.js';

export interface NaiveEdge {
  i: number;
  j: number;
  value: number;
}

/**
 * Edges (i > j) in filtration order: ascending value, ties by position in `edges`. Returns the
 * kept edges with their new values, in the order of `edges`.
 */
export function naiveCollapse(n: number, edges: NaiveEdge[], shift = true): NaiveEdge[] {
  const F = new Float64Array(n * n).fill(Infinity);
  for (const e of edges) {
    F[e.i * n + e.j] = e.value;
    F[e.j * n + e.i] = e.value;
  }
  const order = edges.map((_, k) => k).sort((a, b) => edges[a].value - edges[b].value || a - b);
  const newValue = new Float64Array(edges.length);
  for (let r = order.length - 1; r >= 0; r--) {
    const { i: u, j: v, value: t0 } = edges[order[r]];
    const join = (x: number) => Math.max(F[u * n + x], F[v * n + x]);
    const common: number[] = [];
    for (let x = 0; x < n; x++) if (x !== u && x !== v && join(x) < Infinity) common.push(x);
    const dominatedAt = (T: number): boolean => {
      const present = common.filter((x) => join(x) <= T);
      return present.some((w) => present.every((x) => x === w || F[w * n + x] <= T));
    };
    const events = [t0, ...common.map(join).filter((t) => t > t0)].sort((a, b) => a - b);
    let time = Infinity;
    for (const T of events) {
      if (!dominatedAt(T)) {
        time = T;
        break;
      }
    }
    if (time !== Infinity && !shift) time = t0;
    newValue[order[r]] = time;
    F[u * n + v] = time;
    F[v * n + u] = time;
  }
  const kept: NaiveEdge[] = [];
  edges.forEach((e, k) => {
    if (newValue[k] !== Infinity) kept.push({ i: e.i, j: e.j, value: newValue[k] });
  });
  return kept;
}

/** Edge list of sparse distances, as "i j value" strings sorted, for set comparisons. */
export function edgeStrings(s: SparseDistances | { n: number; edges: NaiveEdge[] }): string[] {
  const out: string[] = [];
  if ('edges' in s) for (const e of s.edges) out.push(`${e.i} ${e.j} ${e.value}`);
  else for (let k = 0; k < s.i.length; k++) out.push(`${s.i[k]} ${s.j[k]} ${s.values[k]}`);
  return out.sort();
}
