/**
 * Exact p-Wasserstein distance between persistence diagrams with an L_q ground metric:
 *   W_{p,q}(A, B) = ( min over partial matchings M of
 *        sum_{(a,b) in M} |a - b|_q^p + sum_{a unmatched} |a - pi(a)|_q^p
 *        + sum_{b unmatched} |b - pi(b)|_q^p )^(1/p),
 * where pi(x) = ((b+d)/2, (b+d)/2) is the nearest diagonal point (for every q >= 1), so
 * |x - pi(x)|_q = (d - b)/2 * 2^(1/q).
 *
 * Names: `p` is GUDHI's `order`, `q` is GUDHI's `internal_p` (defaults: p = 1, q = Infinity,
 * as `gudhi.wasserstein.wasserstein_distance`).
 *
 * Method (exact, no epsilon): writing the cost of a partial matching as
 *   sum_a c(a, diag) + sum_b c(b, diag) + sum_{(a,b) in M} [c(a,b) - c(a,diag) - c(b,diag)]
 * turns the augmented (n+m) x (n+m) assignment problem into a rectangular assignment of the
 * smaller diagram's bars to the other's bars or to a private "diagonal" column of cost 0,
 * where only the "useful" pairs (c(a,b) < c(a,diag) + c(b,diag)) need edges. That sparse
 * problem is solved exactly by shortest augmenting paths (Dijkstra on reduced costs, the
 * sparse form of the Jonker-Volgenant / Crouse algorithm that SciPy's `linear_sum_assignment`
 * uses, with block minima instead of a heap). The distance is then summed from the optimal
 * matching itself.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { lowerBound } from '../core/sortedSearch.js';
import { checkInfinite, checkP, diagramParts, type InfiniteBars } from './diagramParts.js';
import { matchEssential, newMatchArrays, type DiagramMatching } from './matching.js';
import { bottleneckMatching } from './bottleneck.js';

export interface WassersteinOptions {
  /** Order p >= 1 (GUDHI's `order`) (default 1). p = Infinity gives the bottleneck distance (q must then be Infinity). */
  p?: number;
  /** Ground metric L_q, q >= 1 or Infinity (GUDHI's `internal_p`) (default Infinity). */
  q?: number;
  /**
   * Essential bars (default 'match'): 'match' pairs them by sorted birth at cost |b1 - b2|
   * (Infinity when their counts differ, as GUDHI's `keep_essential_parts=True`); 'ignore'
   * leaves them out.
   */
  infinite?: InfiniteBars;
}

/** Distance between two points (x1, y1), (x2, y2) in L_q. */
export function groundDistance(dx: number, dy: number, q: number): number {
  dx = Math.abs(dx);
  dy = Math.abs(dy);
  if (q === Infinity) return dx > dy ? dx : dy;
  if (q === 1) return dx + dy;
  if (q === 2) return Math.hypot(dx, dy);
  const m = dx > dy ? dx : dy;
  if (m === 0) return 0;
  return m * Math.pow(Math.pow(dx / m, q) + Math.pow(dy / m, q), 1 / q);
}

/** Distance from (b, d) to the diagonal in L_q: (d - b)/2 * 2^(1/q). */
export function diagonalDistance(b: number, d: number, q: number): number {
  const h = (d - b) / 2;
  if (q === Infinity) return h;
  if (q === 1) return 2 * h;
  if (q === 2) return h * Math.SQRT2;
  return h * Math.pow(2, 1 / q);
}

function powP(x: number, p: number): number {
  if (p === 1) return x;
  if (p === 2) return x * x;
  return Math.pow(x, p);
}

export function wassersteinDistance(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: WassersteinOptions = {},
): number {
  return wassersteinMatching(a, b, options).distance;
}

/** The Wasserstein distance and an optimal matching (see `DiagramMatching`). */
export function wassersteinMatching(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: WassersteinOptions = {},
): DiagramMatching {
  const p = options.p ?? 1;
  const q = options.q ?? Infinity;
  const infinite = options.infinite ?? 'match';
  checkP(p, 'p');
  checkP(q, 'q');
  checkInfinite(infinite);
  if (p === Infinity) {
    if (q !== Infinity)
      throw invalidOption(
        'p = Infinity (the bottleneck distance) is only available with q = Infinity',
        'use q: Infinity, or a finite p',
      );
    return bottleneckMatching(a, b, { infinite });
  }
  const pa = diagramParts(a, 'first diagram');
  const pb = diagramParts(b, 'second diagram');
  const { matchA, matchB } = newMatchArrays(a.births.length, b.births.length);
  const essential = matchEssential(pa, pb, infinite, matchA, matchB);
  if (essential === null) return { distance: Infinity, matchA, matchB };

  // Rows: the smaller finite part.
  const swap = pa.births.length > pb.births.length;
  const R = swap ? pb : pa;
  const C = swap ? pa : pb;
  const rowToCol =
    identicalPoints(R.births, R.deaths, C.births, C.deaths) ??
    solveFinite(R.births, R.deaths, C.births, C.deaths, p, q);
  const nr = R.births.length;
  const nc = C.births.length;
  let total = 0;
  const colUsed = new Uint8Array(nc);
  for (let i = 0; i < nr; i++) {
    const j = rowToCol[i];
    if (j >= 0) {
      colUsed[j] = 1;
      total += powP(groundDistance(R.births[i] - C.births[j], R.deaths[i] - C.deaths[j], q), p);
      const ia = swap ? C.index[j] : R.index[i];
      const ib = swap ? R.index[i] : C.index[j];
      matchA[ia] = ib;
      matchB[ib] = ia;
    } else total += powP(diagonalDistance(R.births[i], R.deaths[i], q), p);
  }
  for (let j = 0; j < nc; j++)
    if (!colUsed[j]) total += powP(diagonalDistance(C.births[j], C.deaths[j], q), p);
  for (const c of essential) total += powP(c, p);
  return { distance: p === 1 ? total : Math.pow(total, 1 / p), matchA, matchB };
}

/**
 * Optimal partial matching of rows (rb, rd) to columns (cb, cd): returns for each row the
 * matched column, or -1 for the diagonal.
 */
function solveFinite(
  rb: Float64Array,
  rd: Float64Array,
  cb: Float64Array,
  cd: Float64Array,
  p: number,
  q: number,
): Int32Array {
  const nr = rb.length;
  const nc = cb.length;
  const rowDiag = new Float64Array(nr);
  const rowDiagDist = new Float64Array(nr);
  const colDiag = new Float64Array(nc);
  const colDiagDist = new Float64Array(nc);
  let maxColDiagDist = 0;
  for (let i = 0; i < nr; i++) {
    rowDiagDist[i] = diagonalDistance(rb[i], rd[i], q);
    rowDiag[i] = powP(rowDiagDist[i], p);
  }
  for (let j = 0; j < nc; j++) {
    colDiagDist[j] = diagonalDistance(cb[j], cd[j], q);
    colDiag[j] = powP(colDiagDist[j], p);
    if (colDiagDist[j] > maxColDiagDist) maxColDiagDist = colDiagDist[j];
  }
  // Columns sorted by birth so that each row scans only the slab where useful pairs can lie:
  // c(a,b) < c(a,diag) + c(b,diag) <= 2 max(...) implies |a - b|_inf <= |a - b|_q < 2^(1/p) max(dist).
  const order = Array.from({ length: nc }, (_, j) => j).sort((x, y) => cb[x] - cb[y]);
  const sb = Float64Array.from(order, (j) => cb[j]);
  const pf = Math.pow(2, 1 / p);
  // CSR adjacency: useful pairs (negative reduced weight), then the row's own diagonal column.
  let cap = Math.max(16, 4 * (nr + nc));
  let adjCol = new Int32Array(cap);
  let adjCost = new Float64Array(cap);
  const start = new Int32Array(nr + 1);
  let e = 0;
  const push = (j: number, c: number): void => {
    if (e === cap) {
      cap *= 2;
      const nc2 = new Int32Array(cap);
      nc2.set(adjCol);
      adjCol = nc2;
      const nw = new Float64Array(cap);
      nw.set(adjCost);
      adjCost = nw;
    }
    adjCol[e] = j;
    adjCost[e++] = c;
  };
  for (let i = 0; i < nr; i++) {
    start[i] = e;
    const x = rb[i];
    const y = rd[i];
    const reach = pf * Math.max(rowDiagDist[i], maxColDiagDist);
    let lo = lowerBound(sb, x - reach);
    for (; lo < nc && sb[lo] <= x + reach; lo++) {
      const j = order[lo];
      const dy = Math.abs(y - cd[j]);
      const lim = pf * Math.max(rowDiagDist[i], colDiagDist[j]);
      if (dy >= lim || Math.abs(x - cb[j]) >= lim) continue;
      const w = powP(groundDistance(x - cb[j], dy, q), p) - rowDiag[i] - colDiag[j];
      if (w < 0) push(j, w);
    }
    push(nc + i, 0);
  }
  start[nr] = e;
  return sparseAssignment(nr, nc + nr, start, adjCol, adjCost);
}

/**
 * When both finite parts hold exactly the same points (as multisets), the identity matching
 * (distance 0) is returned directly: the general solver subtracts diagonal costs and could
 * otherwise return a rounding-level nonzero value (about sqrt(n * 1e-16) times the scale for
 * p = 2) instead of 0.
 */
function identicalPoints(
  rb: Float64Array,
  rd: Float64Array,
  cb: Float64Array,
  cd: Float64Array,
): Int32Array | null {
  if (rb.length !== cb.length) return null;
  const byPoint = (b: Float64Array, d: Float64Array) =>
    Int32Array.from({ length: b.length }, (_, i) => i).sort((x, y) => b[x] - b[y] || d[x] - d[y]);
  const r = byPoint(rb, rd);
  const c = byPoint(cb, cd);
  const out = new Int32Array(rb.length);
  for (let k = 0; k < r.length; k++) {
    if (rb[r[k]] !== cb[c[k]] || rd[r[k]] !== cd[c[k]]) return null;
    out[r[k]] = c[k];
  }
  return out;
}

/**
 * Minimum-cost assignment of every row to a distinct column on a sparse cost matrix (CSR) with
 * nr <= nc, by shortest augmenting paths with Dijkstra on reduced costs (Crouse 2016, the
 * algorithm of SciPy's `linear_sum_assignment`, on a sparse graph). The tentative distances of
 * the columns sit in blocks of 64 with a running minimum per block: a relaxation lowers its
 * block's minimum in O(1), and the closest unvisited column is found by scanning the block
 * minima and then one block (about nc/64 + 128 operations per step instead of a heap push per
 * relaxation or a dense scan of every column). Returns col4row, with columns
 * >= `nc - nr` (the private diagonal columns) reported as -1.
 */
function sparseAssignment(
  nr: number,
  nc: number,
  start: Int32Array,
  adjCol: Int32Array,
  adjCost: Float64Array,
): Int32Array {
  const SHIFT = 6;
  const BLOCK = 1 << SHIFT;
  const nBlocks = (nc + BLOCK - 1) >> SHIFT;
  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const spc = new Float64Array(nc).fill(Infinity);
  const path = new Int32Array(nc);
  const visitedCol = new Uint8Array(nc);
  const touched = new Int32Array(nc);
  const visitedRows = new Int32Array(nr);
  const blockMin = new Float64Array(nBlocks).fill(Infinity);

  for (let cur = 0; cur < nr; cur++) {
    let nTouched = 0;
    let nRows = 0;
    let i = cur;
    let minVal = 0;
    let sink = -1;
    while (sink < 0) {
      visitedRows[nRows++] = i;
      const ui = u[i];
      for (let k = start[i], end = start[i + 1]; k < end; k++) {
        const j = adjCol[k];
        const r = minVal + adjCost[k] - ui - v[j];
        if (r < spc[j] && !visitedCol[j]) {
          if (spc[j] === Infinity) touched[nTouched++] = j;
          spc[j] = r;
          path[j] = i;
          const b = j >> SHIFT;
          if (r < blockMin[b]) blockMin[b] = r;
        }
      }
      // The closest unvisited column: best block, then its column.
      let bestB = -1;
      let best = Infinity;
      for (let b = 0; b < nBlocks; b++)
        if (blockMin[b] < best) {
          best = blockMin[b];
          bestB = b;
        }
      if (bestB < 0) throw new Error('sparseAssignment: no augmenting path (internal error)');
      const lo = bestB << SHIFT;
      const hi = Math.min(nc, lo + BLOCK);
      let j = -1;
      let next = Infinity;
      for (let c = lo; c < hi; c++) {
        if (visitedCol[c]) continue;
        const s = spc[c];
        if (j < 0 && s === best) j = c;
        else if (s < next) next = s;
      }
      blockMin[bestB] = next;
      minVal = best;
      visitedCol[j] = 1;
      if (row4col[j] < 0) sink = j;
      else i = row4col[j];
    }
    // Dual update.
    u[cur] += minVal;
    for (let k = 1; k < nRows; k++) {
      const r = visitedRows[k];
      u[r] += minVal - spc[col4row[r]];
    }
    for (let k = 0; k < nTouched; k++) {
      const j = touched[k];
      if (visitedCol[j]) v[j] -= minVal - spc[j];
    }
    // Augment.
    let j = sink;
    while (true) {
      const r = path[j];
      row4col[j] = r;
      const prev = col4row[r];
      col4row[r] = j;
      if (r === cur) break;
      j = prev;
    }
    for (let k = 0; k < nTouched; k++) {
      const j2 = touched[k];
      spc[j2] = Infinity;
      visitedCol[j2] = 0;
      blockMin[j2 >> SHIFT] = Infinity;
    }
  }
  const ncReal = nc - nr;
  for (let r = 0; r < nr; r++) if (col4row[r] >= ncReal) col4row[r] = -1;
  return col4row;
}
