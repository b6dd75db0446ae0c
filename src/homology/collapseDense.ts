/**
 * Backward shift pass of edge collapse for dense graphs (private helper of edgeCollapse). Keeps
 * an n x n matrix F of current edge values, one bitset row per vertex of the not-yet-visited
 * edges (U) and one of the kept (visited, not removed) edges (K), so that the domination test of
 * the visited edge uv by a candidate w costs n/32 word operations plus a test on F of the
 * common neighbours joined to w by kept edges. The common neighbours present at the edge's time
 * T are a bitset S: U_u & U_v (unvisited edges are all present), plus the kept common
 * neighbours, which join in time order from a merge of u's and v's kept edges (each vertex keeps
 * them sorted by time at the end of its adjacency list), so that S grows as T moves on and the
 * walk stops at the edge's end.
 * The first candidate is the last dominator found at u or v (it dominates again most of the
 * time: 1.1 candidates per edge on circles2), else any present common neighbour. When it fails,
 * the violator y it exposes narrows the candidates to y's neighbours (every dominator is adjacent
 * to y), so non-domination is proved after a few rounds instead of one test per common
 * neighbour. A round is word by word: candidates joined to y by unvisited edges stay, those
 * joined by kept edges are tested on F (walking y's kept list instead was 40% of the pass on
 * torus4 at its median distance, where 94% of the edges stay). The violator test and the
 * narrowing run in WebAssembly (collapseDenseWasm.ts) where available, with this file's loops
 * as the fallback.
 */
import type { FloatArray } from '../core/matrix.js';
import type { FilteredAdjacency } from './collapseGraph.js';
import { denseSearch } from './collapseDenseWasm.js';

/** The parts of the adjacency (collapseGraph.ts) the dense kernel reads and rewrites. */
export type DenseKernelGraph = Pick<
  FilteredAdjacency,
  'n' | 'm' | 'eu' | 'ev' | 'val' | 'order' | 'start' | 'nbr' | 'et'
>;

/** Bytes the dense kernel allocates beyond the adjacency lists. */
export function denseKernelBytes(n: number, bytesPerValue: number): number {
  return n * n * bytesPerValue + 2 * n * Math.ceil(n / 32) * 4 + 24 * n;
}

/**
 * How a dense collapse run is split between two threads (docs/edge-collapse.md, "Two
 * threads"); only with the shift (without it, an edge dominated up to `cap` may still be kept
 * at its own value, below `cap`, which the early run cannot know). The edges order[0 .. mid)
 * are the early part, order[mid .. m) the late part; every early value is below `cap`, the
 * value of order[mid].
 * - 'early' (the worker): the pass over the early part alone, on the graph of the early edges
 *   only. Below `cap` that graph is the whole graph, so an edge that stops being dominated
 *   before `cap` gets the one-thread result; one dominated up to `cap` is written as +Infinity
 *   ("capped": the caller decides it) and its last dominator into `dominators`. Every 32 edges
 *   it calls `publish` with how many early edges (from order[mid - 1] down) are written, and
 *   stops when that returns false.
 * - 'late' (the caller): the pass over the late part (exactly the one-thread pass: a late edge
 *   is only ever tested at times >= cap, where every early edge is present whatever its new
 *   value), then over the early part, taking the early run's value where it is finite and
 *   testing a capped edge from `cap` on. Where the early run has not got to yet (it started
 *   late, or is slower), the caller stops it and visits the rest of the early part itself,
 *   as one thread would: the split never waits for the other thread.
 */
export type DenseCollapseSplit =
  | {
      part: 'early';
      mid: number;
      dominators: Int32Array;
      publish?: (finished: number) => boolean;
    }
  | { part: 'late'; mid: number; early: EarlyRun };

/**
 * The late part stops the early run when more than this share of the edges it has written are
 * capped (at least SPLIT_WATCH_EDGES of them, and 2% of the early part): on sphere3 at 1.416,
 * where nearly every edge is removed, the two threads took 257-360 ms against one thread's
 * 214-243 (docs/edge-collapse.md, "Two threads").
 */
export const SPLIT_MAX_CAPPED = 0.8;
export const SPLIT_WATCH_EDGES = 1024;

/**
 * The caller's view of the early run of a split, written as it goes: the early edges' values
 * (+Infinity: capped), and for a capped edge the vertex that dominated it last (it still
 * dominates it just below `cap`, so the caller tries it first at `cap`: the one-thread pass
 * would hold it too).
 */
export interface EarlyRun {
  times: FloatArray;
  dominators: Int32Array;
  /** how many early edges, from order[mid - 1] down, are written in `times` and `dominators` */
  finished(): number;
  /** asks the early run to stop (the caller has gone on without it, or is done) */
  stop(): void;
}

/**
 * Visits the edges from the last to the first and writes each edge's new value into `newTime`
 * (+Infinity when removed). With `shift` false a kept edge keeps its own value. `wasm` false
 * runs the JavaScript search loops even where WebAssembly is available (tests of the fallback).
 * `split`: one thread's part of a two-thread run (above); the whole pass when left out.
 * Returns how many early edges a 'late' part took from the early run (else 0).
 */
export function collapseDenseKernel(
  g: DenseKernelGraph,
  shift: boolean,
  newTime: FloatArray,
  onProgress: ((fraction: number) => void) | undefined,
  wasm = true,
  split?: DenseCollapseSplit,
): number {
  const { n, m, eu, ev, val, order, start, nbr, et } = g;
  const ArrayType = val.constructor as Float32ArrayConstructor | Float64ArrayConstructor;
  const words = (n + 31) >>> 5;
  // The domination search in WebAssembly where available, on its memory's arrays.
  const search = wasm ? denseSearch(n, ArrayType === Float64Array) : null;
  const F = search !== null ? search.F : new ArrayType(n * n).fill(Infinity);
  const U = search !== null ? search.U : new Int32Array(n * words);
  // Kept (visited, not removed) neighbours of each vertex, one bitset row per vertex.
  const K = search !== null ? search.K : new Int32Array(n * words);
  // the graph the pass starts from: every edge, or the early ones alone
  const graphEnd = split?.part === 'early' ? split.mid : m;
  for (let r = 0; r < graphEnd; r++) {
    const e = graphEnd === m ? r : order[r];
    const u = eu[e];
    const v = ev[e];
    F[u * n + v] = val[e];
    F[v * n + u] = val[e];
    U[u * words + (v >>> 5)] |= 1 << (v & 31);
    U[v * words + (u >>> 5)] |= 1 << (u & 31);
  }
  // Last dominator found for an edge at each vertex: tried first (it often dominates again).
  const lastDominator = new Int32Array(n).fill(-1);
  // Present common neighbourhood, remaining candidates.
  const S = search !== null ? search.S : new Int32Array(words);
  const cand = search !== null ? search.cand : new Int32Array(words);

  /** A vertex of S other than w not adjacent to w at T, or -1 (w dominates uv at T). */
  const presentViolator = (w: number, T: number): number => {
    const wo = w * words;
    const wb = w * n;
    for (let k = 0; k < words; k++) {
      let bits = S[k] & ~U[wo + k];
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const x = (k << 5) + 31 - Math.clz32(low);
        if (F[wb + x] > T && x !== w) return x;
      }
    }
    return -1;
  };

  // Start of each vertex's kept segment: the end of its adjacency list holds its kept edges
  // (neighbour in nbr, time in et) sorted by time, one slot per kept edge; the slots before it
  // (its unvisited and removed edges) are not read.
  const keptStart = start.slice(1);
  /** Puts the kept edge xy of time `time` at its place in x's kept segment. */
  const placeKept = (x: number, y: number, time: number): void => {
    const end = start[x + 1];
    let p = --keptStart[x];
    while (p + 1 < end && et[p + 1] < time) {
      nbr[p] = nbr[p + 1];
      et[p] = et[p + 1];
      p++;
    }
    nbr[p] = y;
    et[p] = time;
  };

  /** First x in S other than w that w is not joined to by an unvisited edge, or -1. */
  const unvisitedViolator = (w: number): number => {
    const wo = w * words;
    for (let k = 0; k < words; k++) {
      let bits = S[k] & ~U[wo + k];
      if (k === w >>> 5) bits &= ~(1 << (w & 31));
      if (bits !== 0) return (k << 5) + 31 - Math.clz32(bits & -bits);
    }
    return -1;
  };

  /**
   * The dominator of the visited edge uv at its own time t0 when no visited edge has the value
   * t0, or -1. Then every kept edge is absent at t0 (its time is the value of a visited edge, so
   * > t0) and every unvisited edge present, so the neighbours at t0 are the U bitsets alone: the
   * test is the general one below with its kept-edge terms empty, in word operations only (most
   * of the pass when most edges stay: the kept terms' scalar loops were 60% of torus4's time).
   * Candidates are tried in the general test's order, so it finds the same dominator.
   */
  const dominatorAtOwnTime = (u: number, v: number): number => {
    const uo = u * words;
    const vo = v * words;
    let w = -1;
    for (let h = 0; h < 2 && w < 0; h++) {
      const c = lastDominator[h === 0 ? u : v];
      if (c >= 0 && (U[uo + (c >>> 5)] & U[vo + (c >>> 5)] & (1 << (c & 31))) !== 0) w = c;
    }
    let any = 0;
    for (let k = 0; k < words; k++) {
      const bits = U[uo + k] & U[vo + k];
      S[k] = bits;
      any |= bits;
      if (w < 0 && bits !== 0) w = (k << 5) + 31 - Math.clz32(bits & -bits);
    }
    if (any === 0) return -1;
    let y = unvisitedViolator(w);
    if (y < 0) return w;
    cand.set(S);
    let cw = 0;
    while (true) {
      // cand &= y's neighbours at t0 (its unvisited edges), and y
      const yo = y * words;
      const yWasCandidate = cand[y >>> 5] & (1 << (y & 31));
      for (let k = cw; k < words; k++) cand[k] &= U[yo + k];
      cand[y >>> 5] |= yWasCandidate;
      while (cw < words && cand[cw] === 0) cw++;
      if (cw === words) return -1;
      w = (cw << 5) + 31 - Math.clz32(cand[cw] & -cand[cw]);
      y = unvisitedViolator(w);
      if (y < 0) return w;
    }
  };

  /** Records the visited edge e = uv as kept at `time`. */
  const keep = (e: number, u: number, v: number, time: number): void => {
    newTime[e] = time;
    F[u * n + v] = time;
    F[v * n + u] = time;
    placeKept(u, v, time);
    placeKept(v, u, time);
    K[u * words + (v >>> 5)] |= 1 << (v & 31);
    K[v * words + (u >>> 5)] |= 1 << (u & 31);
  };

  const progressStep = Math.max(1, Math.floor(m / 100));
  // The late part watches the early run: when most of the edges it has written are capped,
  // the replay would redo them, and the two threads only slow each other (sharing the cores'
  // caches and memory bus), so it is stopped; the caller then visits the rest alone.
  let watched = split?.part === 'late' ? split.early : null;
  const mid = split?.mid ?? m;
  let seen = 0;
  let seenCapped = 0;
  const watchEarlyRun = (): void => {
    if (watched === null) return;
    const finished = Math.min(mid, watched.finished());
    for (; seen < finished; seen++)
      if (watched.times[order[mid - 1 - seen]] === Infinity) seenCapped++;
    if (seen >= Math.max(SPLIT_WATCH_EDGES, 0.02 * mid) && seenCapped > SPLIT_MAX_CAPPED * seen) {
      watched.stop();
      watched = null;
    }
  };
  /** Early edges the replay took from the early run (the kernel's return value). */
  let taken = 0;
  /**
   * Visits order[hi - 1] down to order[lo]. `early`: the early run (the replay of a split run,
   * hi = mid): where it has written an edge, a finite value is taken as it is and +Infinity
   * means dominated up to `cap`, so the edge is tested from `cap` on; from the first edge it
   * has not written, the early run is stopped and the pass goes on as one thread.
   */
  const pass = (lo: number, hi: number, early: EarlyRun | null, cap: number): void => {
    const hints = split?.part === 'early' ? split.dominators : null;
    const publish = split?.part === 'early' ? split.publish : undefined;
    let given = early;
    let written = 0;
    for (let r = hi - 1; r >= lo; r--) {
      if (publish !== undefined && ((r + 1) & 31) === 0 && !publish(hi - r - 1)) return;
      if (r % progressStep === 0) {
        onProgress?.((m - 1 - r) / m);
        if (early === null) watchEarlyRun();
      }
      const e = order[r];
      const u = eu[e];
      const v = ev[e];
      const t0 = val[e];
      const uo = u * words;
      const vo = v * words;
      U[uo + (v >>> 5)] &= ~(1 << (v & 31));
      U[vo + (u >>> 5)] &= ~(1 << (u & 31));
      const ub = u * n;
      const vb = v * n;
      let T = t0;
      let hint = -1;
      if (given !== null && hi - r > written) {
        written = given.finished();
        if (hi - r > written) {
          given.stop();
          given = null;
        }
      }
      if (given !== null) {
        taken++;
        const tb = given.times[e];
        if (tb !== Infinity) {
          keep(e, u, v, tb);
          continue;
        }
        T = cap;
        hint = given.dominators[e];
      }

      // No visited edge tied with t0 (values ascend along order): test domination at t0 on the
      // bitsets alone. Not dominated: kept at its own value, the common case when most edges stay.
      let known = -1;
      if (given === null && (r === hi - 1 || val[order[r + 1]] !== t0)) {
        known = dominatorAtOwnTime(u, v);
        if (known < 0) {
          keep(e, u, v, t0);
          continue;
        }
      }

      // The kept common neighbours join the present common neighbourhood S in the order of their
      // times kt = max(F[u][x], F[v][x]): a merge of u's and v's visited list segments (kept in
      // time order), where an entry u-x of time a makes x join when v-x is present at a (and the
      // same for v's entries). The walk stops where the edge's end is found: on torus4 at 2, an
      // edge ends after 60 of its 437 kept common neighbours on average, in 3.6 rounds.
      const endU = start[u + 1];
      const endV = start[v + 1];
      let iu = keptStart[u];
      let iv = keptStart[v];
      // (already so when dominatorAtOwnTime found a dominator)
      if (known < 0) for (let k = 0; k < words; k++) S[k] = U[uo + k] & U[vo + k];
      while (true) {
        // S = the common neighbours present at T: U_u & U_v (every unvisited edge is present:
        // value <= t0 <= T) plus the kept ones with kt <= T.
        while (true) {
          const a = iu < endU ? et[iu] : Infinity;
          const b = iv < endV ? et[iv] : Infinity;
          if (a <= b) {
            if (a > T) break;
            const x = nbr[iu++];
            if (F[vb + x] <= a) S[x >>> 5] |= 1 << (x & 31);
          } else {
            if (b > T) break;
            const x = nbr[iv++];
            if (F[ub + x] <= b) S[x >>> 5] |= 1 << (x & 31);
          }
        }
        // First candidate: the one found on the bitsets at t0, else the last dominator found at u
        // or v if present, else the first vertex of S.
        let w = known;
        known = -1;
        if (hint >= 0 && (S[hint >>> 5] & (1 << (hint & 31))) !== 0) w = hint;
        hint = -1;
        for (let h = 0; h < 2 && w < 0; h++) {
          const c = lastDominator[h === 0 ? u : v];
          if (c >= 0 && (S[c >>> 5] & (1 << (c & 31))) !== 0) w = c;
        }
        for (let k = 0; k < words && w < 0; k++) {
          if (S[k] !== 0) w = (k << 5) + 31 - Math.clz32(S[k] & -S[k]);
        }
        if (w < 0) break; // no common neighbour at T: not dominated
        let dominator = -1;
        if (search !== null) search.T[0] = T;
        let y = search !== null ? search.violator(w) : presentViolator(w, T);
        if (y < 0) dominator = w;
        else if (search !== null) dominator = search.slowRound(w, y);
        else {
          // Slow path. A failed w exposes a y in S not adjacent to it; every dominator is adjacent
          // to y, so the candidates shrink to y's neighbours (which drops w).
          cand.set(S);
          let cw = 0;
          while (true) {
            // cand &= (y's neighbours at T, and y), word by word: a candidate joined to y by an
            // unvisited edge (U_y) stays; one joined by a kept edge (K_y) stays when that edge's
            // time F[y][x] <= T (F holds every edge's current value; kept times are >= t0); the
            // others go. No candidate is u or v.
            const yo = y * words;
            const yb = y * n;
            const yWasCandidate = cand[y >>> 5] & (1 << (y & 31));
            for (let k = cw; k < words; k++) {
              const c = cand[k];
              if (c === 0) continue;
              let keep = c & U[yo + k];
              let bits = c & K[yo + k];
              while (bits !== 0) {
                const low = bits & -bits;
                bits ^= low;
                if (F[yb + (k << 5) + 31 - Math.clz32(low)] <= T) keep |= low;
              }
              cand[k] = keep;
            }
            cand[y >>> 5] |= yWasCandidate;
            while (cw < words && cand[cw] === 0) cw++;
            if (cw === words) break;
            w = (cw << 5) + 31 - Math.clz32(cand[cw] & -cand[cw]);
            y = presentViolator(w, T);
            if (y < 0) {
              dominator = w;
              break;
            }
          }
        }
        if (dominator < 0) break;
        // The dominator stays one until a later common neighbour joins before its edge to it: the
        // first kept common neighbour in time order that it is not joined to by then (it joins S).
        const wb = dominator * n;
        let until = Infinity;
        while (true) {
          const a = iu < endU ? et[iu] : Infinity;
          const b = iv < endV ? et[iv] : Infinity;
          let x: number;
          let tx: number;
          if (a <= b) {
            if (a === Infinity) break;
            x = nbr[iu++];
            tx = a;
            if (F[vb + x] > tx) continue;
          } else {
            x = nbr[iv++];
            tx = b;
            if (F[ub + x] > tx) continue;
          }
          S[x >>> 5] |= 1 << (x & 31);
          if (F[wb + x] > tx && x !== dominator) {
            until = tx;
            break;
          }
        }
        lastDominator[u] = dominator;
        lastDominator[v] = dominator;
        T = until;
        if (T === Infinity) break;
      }

      if (T === Infinity) {
        if (hints !== null) hints[e] = lastDominator[u];
        newTime[e] = Infinity;
        F[ub + v] = Infinity;
        F[vb + u] = Infinity;
        continue;
      }
      keep(e, u, v, shift ? T : t0);
    }
    publish?.(hi - lo);
    given?.stop();
  };

  if (split?.part === 'late') {
    pass(mid, m, null, Infinity);
    pass(0, mid, split.early, mid < m ? val[order[mid]] : Infinity);
  } else pass(0, mid, null, Infinity);
  if (onProgress !== undefined) onProgress(1);
  return taken;
}
