/**
 * Backward shift pass of edge collapse with O(edges) memory (private helper of edgeCollapse):
 * rows of the current graph are scattered into a scratch array on demand, and the common
 * neighbourhood of each visited edge is listed explicitly. Suited to large sparse graphs; the
 * dense kernel (collapseDense.ts) is faster on dense graphs with up to a few thousand vertices.
 */
import type { FloatArray } from '../core/matrix.js';
import type { FilteredAdjacency } from './collapseGraph.js';
import { keepEdge } from './collapseGraph.js';

/**
 * Visits the edges from the last to the first and writes each edge's new value into `newTime`
 * (+Infinity when removed). With `shift` false a kept edge keeps its own value.
 */
export function collapseSparseKernel(
  g: FilteredAdjacency,
  shift: boolean,
  newTime: FloatArray,
  onProgress: ((fraction: number) => void) | undefined,
): void {
  const { n, m, eu, ev, val, order, start, ptr, nbr, et, keptHead, keptNext, keptCount } = g;
  const scratch = new Float64Array(n).fill(Infinity);
  // Common neighbourhood of the visited edge: vertex and the time it joins (max of both edges).
  const cx = new Int32Array(n);
  const ct = new Float64Array(n);
  const candidates = new Int32Array(n);

  /** Loads the current row of x into `scratch`, or resets it to +Infinity. */
  const scatter = (x: number, load: boolean): void => {
    for (let p = start[x]; p < ptr[x]; p++) scratch[nbr[p]] = load ? et[p] : Infinity;
    for (let p = keptHead[x]; p >= 0; p = keptNext[p]) scratch[nbr[p]] = load ? et[p] : Infinity;
  };

  /**
   * Domination of the edge by w from time T on: T when w does not dominate at T, otherwise the
   * first time > T at which a new common neighbour is not adjacent to w (+Infinity if none).
   */
  const dominatedUntil = (w: number, T: number, size: number): number => {
    let until = Infinity;
    scatter(w, true);
    for (let k = 0; k < size; k++) {
      const x = cx[k];
      const tw = scratch[x];
      const tx = ct[k];
      if (tw > tx && tw > T && x !== w) {
        if (tx <= T) {
          until = T;
          break;
        }
        if (tx < until) until = tx;
      }
    }
    scatter(w, false);
    return until;
  };

  const progressStep = Math.max(1, Math.floor(m / 100));
  for (let r = m - 1; r >= 0; r--) {
    if (onProgress !== undefined && r % progressStep === 0) onProgress((m - 1 - r) / m);
    const e = order[r];
    const u = eu[e];
    const v = ev[e];
    const pu = --ptr[u];
    const pv = --ptr[v];
    const t0 = val[e];

    // Common neighbours, iterating over the endpoint with the shorter current list.
    let a = u;
    let b = v;
    if (ptr[v] - start[v] + keptCount[v] < ptr[u] - start[u] + keptCount[u]) {
      a = v;
      b = u;
    }
    let size = 0;
    let firstIndex = -1;
    let firstTime = Infinity;
    scatter(b, true);
    for (let pass = 0; pass < 2; pass++) {
      for (let p = pass === 0 ? start[a] : keptHead[a]; pass === 0 ? p < ptr[a] : p >= 0;) {
        const x = nbr[p];
        const tb = scratch[x];
        if (tb !== Infinity) {
          const ta = et[p];
          const tx = ta > tb ? ta : tb;
          cx[size] = x;
          ct[size] = tx;
          if (tx < firstTime) {
            firstTime = tx;
            firstIndex = size;
          }
          size++;
        }
        p = pass === 0 ? p + 1 : keptNext[p];
      }
    }
    scatter(b, false);

    // Move the edge forward while some common neighbour dominates it.
    let T = t0;
    while (firstTime <= T) {
      let until = dominatedUntil(cx[firstIndex], T, size);
      if (until === T) {
        // The earliest common neighbour fails: try the others present at T, earliest first.
        let count = 0;
        for (let k = 0; k < size; k++) if (ct[k] <= T && k !== firstIndex) candidates[count++] = k;
        const list = candidates.subarray(0, count);
        list.sort((p, q) => ct[p] - ct[q]);
        for (let c = 0; c < count && until === T; c++) until = dominatedUntil(cx[list[c]], T, size);
      }
      if (until === T) break;
      T = until;
      if (T === Infinity) break;
    }
    if (T === Infinity) {
      newTime[e] = Infinity;
      continue;
    }
    const time = shift ? T : t0;
    newTime[e] = time;
    keepEdge(g, u, v, pu, pv, time);
  }
  if (onProgress !== undefined) onProgress(1);
}
