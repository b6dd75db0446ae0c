/**
 * Compact graphs on typed arrays (CSR): the neighbours of node i are
 * `targets[offsets[i] .. offsets[i+1])`, sorted ascending, without duplicates or self loops.
 *
 * An undirected graph stores every edge in both rows. A directed graph stores out-arcs; its
 * `inDegree` gives the in-degrees (degree = in + out, as igraph's `degree()` counts).
 */
import { invalidInput } from '../core/errors.js';

export interface Graph {
  /** number of nodes */
  n: number;
  /** length n + 1 */
  offsets: Int32Array;
  /** neighbour (or out-arc head) indices, row after row */
  targets: Int32Array;
  /** true when rows list out-arcs only */
  directed: boolean;
  /** in-degree of every node (directed graphs only) */
  inDegree?: Int32Array;
}

/** Builds a graph from an edge list (pairs of node indices 0..n-1). Duplicate edges collapse. */
export function graphFromEdges(
  n: number,
  edges: ArrayLike<readonly [number, number]> | ArrayLike<ArrayLike<number>>,
  options: { directed?: boolean } = {},
): Graph {
  const directed = options.directed ?? false;
  const m = edges.length;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const a = edges[e][0];
    const b = edges[e][1];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n) {
      throw invalidInput(
        `edge ${e} = (${a}, ${b}) names a node outside 0..${n - 1}.`,
        'Number the nodes from 0.',
      );
    }
    if (a === b) throw invalidInput(`edge ${e} is a self loop at node ${a}.`, 'Remove it.');
    from[e] = a;
    to[e] = b;
  }
  return graphFromArcs(n, from, to, directed);
}

/**
 * CSR from arc lists. For an undirected graph each (from, to) is added in both directions.
 * Rows are sorted and deduplicated.
 */
export function graphFromArcs(
  n: number,
  from: Int32Array,
  to: Int32Array,
  directed: boolean,
): Graph {
  const m = from.length;
  const count = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    count[from[e] + 1]++;
    if (!directed) count[to[e] + 1]++;
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const raw = new Int32Array(count[n]);
  const fill = count.slice(0, n);
  for (let e = 0; e < m; e++) {
    raw[fill[from[e]]++] = to[e];
    if (!directed) raw[fill[to[e]]++] = from[e];
  }
  return compactRows(n, count, raw, directed);
}

/** Sorts each row, drops duplicates, and recomputes in-degrees. */
function compactRows(n: number, offsets: Int32Array, raw: Int32Array, directed: boolean): Graph {
  const outOffsets = new Int32Array(n + 1);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const row = raw.subarray(offsets[i], offsets[i + 1]);
    row.sort();
    let last = -1;
    for (let t = 0; t < row.length; t++) {
      if (row[t] !== last) raw[w++] = row[t];
      last = row[t];
    }
    outOffsets[i + 1] = w;
  }
  const targets = raw.slice(0, w);
  const g: Graph = { n, offsets: outOffsets, targets, directed };
  if (directed) {
    const inDegree = new Int32Array(n);
    for (let t = 0; t < w; t++) inDegree[targets[t]]++;
    g.inDegree = inDegree;
  }
  return g;
}

/** Degree of every node: row length for an undirected graph, in + out for a directed one. */
export function degrees(g: Graph): Int32Array {
  const d = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) d[i] = g.offsets[i + 1] - g.offsets[i];
  if (g.directed && g.inDegree) for (let i = 0; i < g.n; i++) d[i] += g.inDegree[i];
  return d;
}

/** Number of edges (undirected) or arcs (directed). */
export function edgeCount(g: Graph): number {
  return g.directed ? g.targets.length : g.targets.length / 2;
}

/**
 * The undirected graph underlying g (an edge wherever an arc goes either way): what igraph's
 * `distances(g)` walks on with its default `mode = "all"`. Returns g itself when undirected.
 */
export function underlyingUndirected(g: Graph): Graph {
  if (!g.directed) return g;
  const m = g.targets.length;
  const from = new Int32Array(m);
  for (let i = 0; i < g.n; i++) from.fill(i, g.offsets[i], g.offsets[i + 1]);
  return graphFromArcs(g.n, from, g.targets.slice(), false);
}

/** Edges of an undirected graph once each (i < j), or the arcs of a directed graph. */
export function edgeList(g: Graph): { from: Int32Array; to: Int32Array } {
  const m = edgeCount(g);
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  let e = 0;
  for (let i = 0; i < g.n; i++) {
    for (let t = g.offsets[i]; t < g.offsets[i + 1]; t++) {
      const j = g.targets[t];
      if (g.directed || i < j) {
        from[e] = i;
        to[e] = j;
        e++;
      }
    }
  }
  return { from, to };
}

/** Connected components (of the underlying undirected graph): count and label per node. */
export function connectedComponents(g: Graph): { count: number; labels: Int32Array } {
  const u = underlyingUndirected(g);
  const labels = new Int32Array(u.n).fill(-1);
  const stack = new Int32Array(u.n);
  let count = 0;
  for (let s = 0; s < u.n; s++) {
    if (labels[s] >= 0) continue;
    let top = 0;
    stack[top++] = s;
    labels[s] = count;
    while (top > 0) {
      const v = stack[--top];
      for (let t = u.offsets[v]; t < u.offsets[v + 1]; t++) {
        const w = u.targets[t];
        if (labels[w] < 0) {
          labels[w] = count;
          stack[top++] = w;
        }
      }
    }
    count++;
  }
  return { count, labels };
}
