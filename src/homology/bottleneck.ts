/**
 * Exact bottleneck distance between persistence diagrams (L_inf ground metric, as GUDHI's
 * `bottleneck_distance` and Hera):
 *   d_B(A, B) = min over partial matchings M of max( max_{(a,b) in M} |a - b|_inf,
 *               max_{x unmatched} (d_x - b_x)/2 ).
 *
 * Method. The answer is one of the candidate values C = {|a - b|_inf} u {(d - b)/2} u {0}.
 * A threshold r is feasible iff the threshold graph G_r (pairs with |a - b|_inf <= r) has a
 * matching that covers A' = {a : (d_a - b_a)/2 > r} and B' likewise (the other bars go to the
 * diagonal and the diagonal copies pair up at cost 0: the standard augmented bipartite
 * graph). By the Mendelsohn-Dulmage theorem such a matching exists iff G_r[A', B] has a
 * matching covering A' and G_r[A, B'] one covering B', so each test is two Hopcroft-Karp runs
 * on threshold graphs built from a birth-sorted slab search (never the n*m candidate list).
 * Bisection on r narrows (lo, hi] until few candidates lie inside; those are enumerated,
 * sorted and searched exactly. The two matchings at the optimum are merged into one
 * (Mendelsohn-Dulmage construction) for the `matching` output.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { lowerBound } from '../core/sortedSearch.js';
import { checkInfinite, diagramParts, type InfiniteBars } from './diagramParts.js';
import { matchEssential, newMatchArrays, type DiagramMatching } from './matching.js';

export interface BottleneckOptions {
  /**
   * Essential bars (default 'match'): 'match' pairs them by sorted birth at cost |b1 - b2|
   * (Infinity when their counts differ); 'ignore' leaves them out.
   */
  infinite?: InfiniteBars;
}

export function bottleneckDistance(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: BottleneckOptions = {},
): number {
  return bottleneckMatching(a, b, options).distance;
}

/** The bottleneck distance and a matching that realises it (see `DiagramMatching`). */
export function bottleneckMatching(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: BottleneckOptions = {},
): DiagramMatching {
  const infinite = options.infinite ?? 'match';
  checkInfinite(infinite);
  const pa = diagramParts(a, 'first diagram');
  const pb = diagramParts(b, 'second diagram');
  const { matchA, matchB } = newMatchArrays(a.births.length, b.births.length);
  const essential = matchEssential(pa, pb, infinite, matchA, matchB);
  if (essential === null) return { distance: Infinity, matchA, matchB };
  const solver = new ThresholdMatcher(pa.births, pa.deaths, pb.births, pb.deaths);
  const r = solver.distance();
  const [ma] = solver.matchingAt(r);
  for (let i = 0; i < ma.length; i++) {
    const j = ma[i];
    if (j >= 0) {
      matchA[pa.index[i]] = pb.index[j];
      matchB[pb.index[j]] = pa.index[i];
    }
  }
  let distance = r;
  for (const c of essential) if (c > distance) distance = c;
  return { distance, matchA, matchB };
}

/** A side of the bipartite problem: points sorted by birth for slab queries. */
interface Side {
  n: number;
  b: Float64Array;
  d: Float64Array;
  half: Float64Array;
  order: Int32Array;
  sortedB: Float64Array;
}

function makeSide(b: Float64Array, d: Float64Array): Side {
  const n = b.length;
  const half = new Float64Array(n);
  for (let i = 0; i < n; i++) half[i] = (d[i] - b[i]) / 2;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => b[x] - b[y]);
  const sortedB = Float64Array.from(order, (i) => b[i]);
  return { n, b, d, half, order, sortedB };
}

class ThresholdMatcher {
  private readonly A: Side;
  private readonly B: Side;
  // Reusable buffers.
  private adjStart: Int32Array;
  private adj: Int32Array;
  // Last matchings found (A -> B and B -> A), to warm-start the next threshold.
  private lastA: Int32Array;
  private lastB: Int32Array;
  // Threshold graphs at radius `preparedR`, neighbours of each row sorted by distance, so that
  // the graph at any r <= preparedR is a prefix of each row (A -> B at 0, B -> A at 1).
  private preparedR = -1;
  private prepared: { start: Int32Array; col: Int32Array; dist: Float64Array }[] = [];

  constructor(ab: Float64Array, ad: Float64Array, bb: Float64Array, bd: Float64Array) {
    this.A = makeSide(ab, ad);
    this.B = makeSide(bb, bd);
    const n = Math.max(this.A.n, this.B.n);
    this.adjStart = new Int32Array(n + 1);
    this.adj = new Int32Array(Math.max(16, 8 * n));
    this.lastA = new Int32Array(this.A.n).fill(-1);
    this.lastB = new Int32Array(this.B.n).fill(-1);
  }

  /** The exact bottleneck distance of the finite parts. */
  distance(): number {
    const { A, B } = this;
    let hi = 0;
    for (let i = 0; i < A.n; i++) if (A.half[i] > hi) hi = A.half[i];
    for (let j = 0; j < B.n; j++) if (B.half[j] > hi) hi = B.half[j];
    if (hi === 0) return 0;
    // Every bar either goes to the diagonal or to its nearest bar on the other side, so the
    // largest of these minima is a lower bound (and a candidate value).
    const lb = Math.max(this.nearestBound(this.A, this.B), this.nearestBound(this.B, this.A));
    if (this.feasible(lb)) return lb;
    let lo = lb; // infeasible; hi feasible (everything to the diagonal)
    // Exponential search up from the bound keeps the threshold graphs sparse.
    for (let step = lb > 0 ? lb / 2 : hi / 1024; lo + step < hi; step *= 2) {
      const r = lo + step;
      if (this.feasible(r)) {
        hi = r;
        break;
      }
      lo = r;
    }
    this.prepare(hi);
    const LIMIT = 512;
    while (true) {
      const count = this.countCandidates(lo, hi, LIMIT + 1);
      if (count <= LIMIT) break;
      const mid = lo + (hi - lo) / 2;
      if (!(mid > lo && mid < hi)) break;
      if (this.feasible(mid)) hi = mid;
      else lo = mid;
    }
    const cands = this.collectCandidates(lo, hi);
    cands.sort();
    // Smallest candidate in (lo, hi] that is feasible; the largest one is.
    let l = 0;
    let h = cands.length - 1;
    while (l < h) {
      const mid = (l + h) >>> 1;
      if (this.feasible(cands[mid])) h = mid;
      else l = mid + 1;
    }
    return cands[l];
  }

  /** Matchings at threshold r: [mateA (A -> B or -1), mateB (B -> A or -1)], merged. */
  matchingAt(r: number): [Int32Array, Int32Array] {
    const { A, B } = this;
    const m1 = this.coverMatching(A, B, r); // covers A' (mate of each A, -1 if none)
    const m2 = this.coverMatching(B, A, r); // covers B'
    if (m1 === null || m2 === null)
      throw new Error('bottleneck: threshold is not feasible (internal error)');
    // Mendelsohn-Dulmage: walk the components of M1 u M2 (paths and cycles).
    const m1b = new Int32Array(B.n).fill(-1);
    for (let i = 0; i < A.n; i++) if (m1[i] >= 0) m1b[m1[i]] = i;
    const m2a = new Int32Array(A.n).fill(-1);
    for (let j = 0; j < B.n; j++) if (m2[j] >= 0) m2a[m2[j]] = j;
    const mateA = new Int32Array(A.n).fill(-1);
    const mateB = new Int32Array(B.n).fill(-1);
    const seenA = new Uint8Array(A.n);
    const seenB = new Uint8Array(B.n);
    const use = (edges: [number, number][]): void => {
      for (const [i, j] of edges) {
        mateA[i] = j;
        mateB[j] = i;
      }
    };
    // Walks a component from an endpoint, collecting its M1 and M2 edges.
    const walk = (side: 0 | 1, start: number) => {
      const e1: [number, number][] = [];
      const e2: [number, number][] = [];
      let s = side;
      let x = start;
      let lastWas: 1 | 2 | 0 = 0;
      while (true) {
        if (s === 0) {
          if (seenA[x]) break;
          seenA[x] = 1;
          // next edge: the one of M1/M2 at x not just used
          if (lastWas !== 1 && m1[x] >= 0) {
            e1.push([x, m1[x]]);
            lastWas = 1;
            x = m1[x];
          } else if (lastWas !== 2 && m2a[x] >= 0) {
            e2.push([x, m2a[x]]);
            lastWas = 2;
            x = m2a[x];
          } else break;
          s = 1;
        } else {
          if (seenB[x]) break;
          seenB[x] = 1;
          if (lastWas !== 1 && m1b[x] >= 0) {
            e1.push([m1b[x], x]);
            lastWas = 1;
            x = m1b[x];
          } else if (lastWas !== 2 && m2[x] >= 0) {
            e2.push([m2[x], x]);
            lastWas = 2;
            x = m2[x];
          } else break;
          s = 0;
        }
      }
      return { e1, e2, endSide: s };
    };
    // Paths start at vertices of degree 1.
    for (let i = 0; i < A.n; i++) {
      const deg = (m1[i] >= 0 ? 1 : 0) + (m2a[i] >= 0 ? 1 : 0);
      if (deg === 1 && !seenA[i]) {
        const { e1, e2 } = walk(0, i);
        const k = e1.length + e2.length;
        if (k % 2 === 1) use(e1.length > e2.length ? e1 : e2);
        else use(e1); // both endpoints in A: M1 covers every vertex that must be covered
      }
    }
    for (let j = 0; j < B.n; j++) {
      const deg = (m1b[j] >= 0 ? 1 : 0) + (m2[j] >= 0 ? 1 : 0);
      if (deg === 1 && !seenB[j]) {
        const { e1, e2 } = walk(1, j);
        const k = e1.length + e2.length;
        if (k % 2 === 1) use(e1.length > e2.length ? e1 : e2);
        else use(e2); // both endpoints in B: M2
      }
    }
    // Cycles and doubled edges (an edge in both matchings).
    for (let i = 0; i < A.n; i++) {
      if (!seenA[i] && m1[i] >= 0) {
        const { e1 } = walk(0, i);
        use(e1);
      }
    }
    return [mateA, mateB];
  }

  private prepare(r: number): void {
    const build = (L: Side, R: Side) => {
      const start = new Int32Array(L.n + 1);
      let cap = Math.max(16, 8 * L.n);
      let col = new Int32Array(cap);
      let dist = new Float64Array(cap);
      let e = 0;
      for (let i = 0; i < L.n; i++) {
        start[i] = e;
        const x = L.b[i];
        const y = L.d[i];
        for (let k = lowerBound(R.sortedB, x - r); k < R.n && R.sortedB[k] <= x + r; k++) {
          const j = R.order[k];
          const dx = Math.abs(x - R.b[j]);
          const dy = Math.abs(y - R.d[j]);
          const d = dx > dy ? dx : dy;
          if (d > r) continue;
          if (e === cap) {
            cap *= 2;
            const c2 = new Int32Array(cap);
            c2.set(col);
            col = c2;
            const d2 = new Float64Array(cap);
            d2.set(dist);
            dist = d2;
          }
          col[e] = j;
          dist[e++] = d;
        }
      }
      start[L.n] = e;
      return { start, col, dist };
    };
    this.prepared = [build(this.A, this.B), build(this.B, this.A)];
    this.preparedR = r;
  }

  /** max over bars x of L of min(half lifespan of x, L_inf distance to the nearest bar of R). */
  private nearestBound(L: Side, R: Side): number {
    let bound = 0;
    for (let i = 0; i < L.n; i++) {
      const x = L.b[i];
      const y = L.d[i];
      let best = L.half[i];
      if (best <= bound) continue;
      // Walk outwards from x in R's birth order while the birth gap can still beat `best`.
      const k0 = lowerBound(R.sortedB, x);
      for (let k = k0; k < R.n && R.sortedB[k] - x < best; k++) {
        const j = R.order[k];
        const dist = Math.max(R.sortedB[k] - x, Math.abs(y - R.d[j]));
        if (dist < best) best = dist;
      }
      for (let k = k0 - 1; k >= 0 && x - R.sortedB[k] < best; k--) {
        const j = R.order[k];
        const dist = Math.max(x - R.sortedB[k], Math.abs(y - R.d[j]));
        if (dist < best) best = dist;
      }
      if (best > bound) bound = best;
    }
    return bound;
  }

  /** Number of candidate values in (lo, hi], stopping early past `stop`. */
  private countCandidates(lo: number, hi: number, stop: number): number {
    return this.candidates(lo, hi, stop, null);
  }

  /** The candidate values in (lo, hi]. */
  private collectCandidates(lo: number, hi: number): Float64Array {
    const out: number[] = [];
    this.candidates(lo, hi, Infinity, out);
    return Float64Array.from(out);
  }

  /**
   * Walks the candidate values in (lo, hi]: every point's distance to the diagonal, and the
   * distances of the pairs within hi (from the prepared pair list when it reaches hi). Appends
   * them to `out` when given; counts them, stopping early once the count passes `stop`.
   */
  private candidates(lo: number, hi: number, stop: number, out: number[] | null): number {
    const { A, B } = this;
    let c = 0;
    for (let i = 0; i < A.n; i++)
      if (A.half[i] > lo && A.half[i] <= hi) {
        if (out !== null) out.push(A.half[i]);
        if (++c > stop) return c;
      }
    for (let j = 0; j < B.n; j++)
      if (B.half[j] > lo && B.half[j] <= hi) {
        if (out !== null) out.push(B.half[j]);
        if (++c > stop) return c;
      }
    if (hi <= this.preparedR) {
      const dist = this.prepared[0].dist;
      for (let k = 0, e = this.prepared[0].start[A.n]; k < e; k++)
        if (dist[k] > lo && dist[k] <= hi) {
          if (out !== null) out.push(dist[k]);
          if (++c > stop) return c;
        }
      return c;
    }
    for (let i = 0; i < A.n; i++) {
      const x = A.b[i];
      const y = A.d[i];
      for (let k = lowerBound(B.sortedB, x - hi); k < B.n && B.sortedB[k] <= x + hi; k++) {
        const j = B.order[k];
        const dx = Math.abs(x - B.b[j]);
        const dy = Math.abs(y - B.d[j]);
        const dist = dx > dy ? dx : dy;
        if (dist > lo && dist <= hi) {
          if (out !== null) out.push(dist);
          if (++c > stop) return c;
        }
      }
    }
    return c;
  }

  private feasible(r: number): boolean {
    return (
      this.coverMatching(this.A, this.B, r) !== null &&
      this.coverMatching(this.B, this.A, r) !== null
    );
  }

  /**
   * A matching in the threshold graph from the must-match rows of L (half > r) into R that
   * covers all of them, or null if none exists (Hopcroft-Karp). Returns mate per row of L.
   */
  private coverMatching(L: Side, R: Side, r: number): Int32Array | null {
    const rows: number[] = [];
    for (let i = 0; i < L.n; i++) if (L.half[i] > r) rows.push(i);
    const mate = new Int32Array(L.n).fill(-1);
    const nRows = rows.length;
    if (nRows === 0) return mate;
    if (nRows > R.n) return null;
    const ends = new Int32Array(nRows);
    let start: Int32Array;
    let adj: Int32Array;
    let edgeDist: Float64Array | null = null;
    if (r <= this.preparedR) {
      // The prepared neighbour lists; HK skips the edges longer than r.
      const g = this.prepared[L === this.A ? 0 : 1];
      start = new Int32Array(nRows + 1);
      adj = g.col;
      edgeDist = g.dist;
      for (let t = 0; t < nRows; t++) {
        start[t] = g.start[rows[t]];
        ends[t] = g.start[rows[t] + 1];
      }
    } else {
      ({ start, adj } = this.buildAdjacency(L, R, r, rows));
      if (start.length === 0) return null;
      for (let t = 0; t < nRows; t++) ends[t] = start[t + 1];
    }
    // Warm start from the last matching in this direction: its pairs that are still edges.
    const last = L === this.A ? this.lastA : this.lastB;
    const seed = new Int32Array(nRows).fill(-1);
    for (let t = 0; t < nRows; t++) {
      const j = last[rows[t]];
      if (j < 0) continue;
      const i = rows[t];
      if (Math.abs(L.b[i] - R.b[j]) <= r && Math.abs(L.d[i] - R.d[j]) <= r) seed[t] = j;
    }
    const size = hopcroftKarp(nRows, R.n, start, ends, adj, edgeDist, r, mate, rows, seed);
    last.fill(-1);
    for (let t = 0; t < nRows; t++) last[rows[t]] = mate[rows[t]];
    return size === nRows ? mate : null;
  }

  /** CSR threshold graph at r over the given rows; an empty `start` when a row has no neighbour. */
  private buildAdjacency(
    L: Side,
    R: Side,
    r: number,
    rows: number[],
  ): { start: Int32Array; adj: Int32Array } {
    const nRows = rows.length;
    let adj = this.adj;
    const start = this.adjStart;
    let e = 0;
    for (let t = 0; t < nRows; t++) {
      start[t] = e;
      const i = rows[t];
      const x = L.b[i];
      const y = L.d[i];
      for (let k = lowerBound(R.sortedB, x - r); k < R.n && R.sortedB[k] <= x + r; k++) {
        const j = R.order[k];
        if (Math.abs(y - R.d[j]) > r || Math.abs(x - R.b[j]) > r) continue;
        if (e === adj.length) {
          const grown = new Int32Array(adj.length * 2);
          grown.set(adj);
          adj = grown;
          this.adj = grown;
        }
        adj[e++] = j;
      }
      if (e === start[t]) return { start: new Int32Array(0), adj };
    }
    start[nRows] = e;
    return { start, adj };
  }
}

/**
 * Hopcroft-Karp maximum matching of rows 0..nRows-1 (CSR adjacency into 0..nCols-1).
 * Writes mate[rowIds[t]] = column. Returns the matching size.
 */
function hopcroftKarp(
  nRows: number,
  nCols: number,
  start: Int32Array,
  ends: Int32Array,
  adj: Int32Array,
  edgeDist: Float64Array | null,
  r: number,
  mate: Int32Array,
  rowIds: number[],
  seed: Int32Array,
): number {
  const rowMate = new Int32Array(nRows).fill(-1);
  const colMate = new Int32Array(nCols).fill(-1);
  let size = 0;
  for (let t = 0; t < nRows; t++) {
    const j = seed[t];
    if (j >= 0 && colMate[j] < 0) {
      rowMate[t] = j;
      colMate[j] = t;
      size++;
    }
  }
  const dist = new Int32Array(nRows);
  const queue = new Int32Array(nRows);
  const it = new Int32Array(nRows);
  const stack = new Int32Array(nRows);
  // Greedy start for the rows the seed left free.
  for (let t = 0; t < nRows; t++) {
    if (rowMate[t] >= 0) continue;
    for (let k = start[t]; k < ends[t]; k++) {
      if (edgeDist !== null && edgeDist[k] > r) continue;
      const j = adj[k];
      if (colMate[j] < 0) {
        colMate[j] = t;
        rowMate[t] = j;
        size++;
        break;
      }
    }
  }
  const INF = 0x3fffffff;
  while (size < nRows) {
    // BFS from free rows, layered by distance.
    let qh = 0;
    let qt = 0;
    for (let t = 0; t < nRows; t++) {
      if (rowMate[t] < 0) {
        dist[t] = 0;
        queue[qt++] = t;
      } else dist[t] = INF;
    }
    let found = INF;
    while (qh < qt) {
      const t = queue[qh++];
      if (dist[t] >= found) continue;
      for (let k = start[t]; k < ends[t]; k++) {
        if (edgeDist !== null && edgeDist[k] > r) continue;
        const w = colMate[adj[k]];
        if (w < 0) {
          if (found === INF) found = dist[t] + 1;
        } else if (dist[w] === INF) {
          dist[w] = dist[t] + 1;
          queue[qt++] = w;
        }
      }
    }
    if (found === INF) break;
    // DFS (iterative) along layers from each free row.
    for (let t = 0; t < nRows; t++) it[t] = start[t];
    let augmented = 0;
    for (let root = 0; root < nRows; root++) {
      if (rowMate[root] >= 0) continue;
      let sp = 0;
      stack[sp++] = root;
      while (sp > 0) {
        const t = stack[sp - 1];
        let advanced = false;
        while (it[t] < ends[t]) {
          if (edgeDist !== null && edgeDist[it[t]] > r) {
            it[t]++;
            continue;
          }
          const j = adj[it[t]];
          const w = colMate[j];
          if (w < 0) {
            if (dist[t] + 1 !== found) {
              it[t]++;
              continue;
            }
            // Augment along the stack.
            let col = j;
            for (let s = sp - 1; s >= 0; s--) {
              const row = stack[s];
              const prev = rowMate[row];
              rowMate[row] = col;
              colMate[col] = row;
              col = prev;
            }
            augmented++;
            sp = 0;
            advanced = true;
            break;
          }
          if (dist[w] === dist[t] + 1) {
            it[t]++;
            stack[sp++] = w;
            advanced = true;
            break;
          }
          it[t]++;
        }
        if (!advanced) {
          dist[t] = INF; // dead end
          sp--;
        }
      }
    }
    if (augmented === 0) break;
    size += augmented;
  }
  for (let t = 0; t < nRows; t++) mate[rowIds[t]] = rowMate[t];
  return size;
}
