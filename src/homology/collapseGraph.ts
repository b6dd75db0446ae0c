/**
 * Adjacency lists of a filtered graph for the backward edge-collapse pass (private helper of
 * edgeCollapse). Each vertex's list is sorted by the global filtration order (ascending value,
 * ties by edge index), so while edges are visited from the last to the first, the not-yet-visited
 * neighbours of x are exactly the prefix [start[x], ptr[x]) of its list; the visited edges that
 * were kept are chained in a linked list per vertex (keptHead / keptNext over list positions).
 */
import type { FloatArray } from '../core/matrix.js';
import { ascendingOrder } from './collapseSort.js';
import { shared, sharedArray } from './ripsParallel.js';

export interface FilteredAdjacency {
  n: number;
  m: number;
  /** larger endpoint of each edge */
  eu: Int32Array;
  /** smaller endpoint of each edge */
  ev: Int32Array;
  /** input value of each edge */
  val: FloatArray;
  /** edges in ascending filtration order */
  order: Int32Array;
  /** list of x: positions start[x] .. start[x + 1] - 1 */
  start: Int32Array;
  /** end of the unvisited prefix of each list; initially start[x + 1] */
  ptr: Int32Array;
  /** neighbour at each list position */
  nbr: Int32Array;
  /** current value of the edge at each list position (same float type as the input) */
  et: FloatArray;
  /** first kept list position of each vertex, -1 if none */
  keptHead: Int32Array;
  /** next kept list position, -1 at the end */
  keptNext: Int32Array;
  /** number of kept edges at each vertex */
  keptCount: Int32Array;
}

/**
 * The adjacency of the edges (eu[e], ev[e]) of values val[e]. `sharedMemory`: the arrays a
 * worker reads (the edges, their order, the lists) in SharedArrayBuffers, for the two-thread
 * collapse (collapseSplit.ts).
 */
export function buildAdjacency(
  n: number,
  eu: Int32Array,
  ev: Int32Array,
  val: FloatArray,
  sharedMemory = false,
): FilteredAdjacency {
  const m = val.length;
  const ArrayType = val.constructor as Float32ArrayConstructor | Float64ArrayConstructor;
  if (sharedMemory) {
    eu = shared(eu);
    ev = shared(ev);
    val = shared(val);
  }
  const order = sharedMemory ? shared(ascendingOrder(val)) : ascendingOrder(val);
  const start = sharedMemory ? sharedArray(Int32Array, n + 1, 4) : new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    start[eu[e] + 1]++;
    start[ev[e] + 1]++;
  }
  for (let x = 0; x < n; x++) start[x + 1] += start[x];
  const ptr = start.slice(0, n);
  const nbr = sharedMemory ? sharedArray(Int32Array, 2 * m, 4) : new Int32Array(2 * m);
  const et: FloatArray = sharedMemory
    ? sharedArray(
        ArrayType as unknown as new (b: SharedArrayBuffer) => FloatArray,
        2 * m,
        ArrayType.BYTES_PER_ELEMENT,
      )
    : new ArrayType(2 * m);
  for (let r = 0; r < m; r++) {
    const e = order[r];
    const u = eu[e];
    const v = ev[e];
    const d = val[e];
    nbr[ptr[u]] = v;
    et[ptr[u]++] = d;
    nbr[ptr[v]] = u;
    et[ptr[v]++] = d;
  }
  return {
    n,
    m,
    eu,
    ev,
    val,
    order,
    start,
    ptr,
    nbr,
    et,
    keptHead: new Int32Array(n).fill(-1),
    keptNext: new Int32Array(2 * m),
    keptCount: new Int32Array(n),
  };
}

/** Records that the edge at list positions pu (in u's list) and pv (in v's) is kept at `time`. */
export function keepEdge(
  g: FilteredAdjacency,
  u: number,
  v: number,
  pu: number,
  pv: number,
  time: number,
): void {
  g.et[pu] = time;
  g.et[pv] = time;
  g.keptNext[pu] = g.keptHead[u];
  g.keptHead[u] = pu;
  g.keptCount[u]++;
  g.keptNext[pv] = g.keptHead[v];
  g.keptHead[v] = pv;
  g.keptCount[v]++;
}
