/**
 * Forman-Ricci curvature of unweighted graphs (docs/curvature-and-ricci-flow.md).
 *
 * - plain: R(i, j) = 4 - deg(i) - deg(j);
 * - augmented: plain + 3 x (number of triangles on the edge).
 *
 * On a directed graph ([B24]'s published variant) deg = in + out and every arc i -> j is one
 * term (a pair joined both ways counts twice, as the published R code sums the rows of
 * `(4 - outer(D, D, "+"))` masked by the directed adjacency matrix); triangles are counted in
 * the underlying undirected graph. Node curvature is the mean over incident edges (in and out
 * arcs for directed graphs), 0 for an isolated node.
 */
import { degrees, edgeList, underlyingUndirected, type Graph } from './graph.js';

export interface FormanOptions {
  /** add 3 x triangles on each edge, default false */
  augmented?: boolean;
}

export interface EdgeCurvature {
  /** tail of each edge (the smaller index for undirected graphs) */
  from: Int32Array;
  /** head of each edge */
  to: Int32Array;
  /** curvature of each edge */
  values: Float64Array;
  /** mean curvature of the edges at each node, 0 where there is none */
  nodes: Float64Array;
  /** sum over edges (arcs), Ric_l in [B24] */
  total: number;
}

/** Triangles on each listed edge, counted in the undirected graph u (stamp intersection). */
export function trianglesOnEdges(u: Graph, from: Int32Array, to: Int32Array): Int32Array {
  const stamp = new Int32Array(u.n).fill(-1);
  const out = new Int32Array(from.length);
  let stamped = -1;
  for (let e = 0; e < from.length; e++) {
    const i = from[e];
    const j = to[e];
    if (stamped !== i) {
      for (let t = u.offsets[i]; t < u.offsets[i + 1]; t++) stamp[u.targets[t]] = i;
      stamped = i;
    }
    let c = 0;
    for (let t = u.offsets[j]; t < u.offsets[j + 1]; t++) if (stamp[u.targets[t]] === i) c++;
    out[e] = c;
  }
  return out;
}

/** Mean of edge values over the edges incident to each node. */
export function nodeMeans(n: number, from: Int32Array, to: Int32Array, values: Float64Array) {
  const sum = new Float64Array(n);
  const count = new Int32Array(n);
  for (let e = 0; e < values.length; e++) {
    sum[from[e]] += values[e];
    sum[to[e]] += values[e];
    count[from[e]]++;
    count[to[e]]++;
  }
  for (let i = 0; i < n; i++) sum[i] = count[i] > 0 ? sum[i] / count[i] : 0;
  return sum;
}

export function formanCurvature(graph: Graph, options: FormanOptions = {}): EdgeCurvature {
  const deg = degrees(graph);
  const { from, to } = edgeList(graph);
  const values = new Float64Array(from.length);
  for (let e = 0; e < from.length; e++) values[e] = 4 - deg[from[e]] - deg[to[e]];
  if (options.augmented) {
    const tri = trianglesOnEdges(underlyingUndirected(graph), from, to);
    for (let e = 0; e < from.length; e++) values[e] += 3 * tri[e];
  }
  let total = 0;
  for (let e = 0; e < values.length; e++) total += values[e];
  return { from, to, values, nodes: nodeMeans(graph.n, from, to, values), total };
}

/**
 * Sum of plain Forman curvature over all edges without listing them:
 * 4 m - sum_i deg(i)^2 (every node appears in deg(i) edge terms, each with -deg(i)).
 * For directed graphs with deg = in + out the same identity holds over arcs.
 */
export function formanTotal(graph: Graph): number {
  const deg = degrees(graph);
  const m = graph.directed ? graph.targets.length : graph.targets.length / 2;
  let s = 4 * m;
  for (let i = 0; i < graph.n; i++) s -= deg[i] * deg[i];
  return s;
}
