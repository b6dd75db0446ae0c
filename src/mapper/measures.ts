/**
 * Measures of a Mapper graph: connected components, size-weighted class purity, where two
 * classes stop sharing nodes along the lens, and a similarity between two Mapper graphs of the
 * same cloud (used by ./stability.ts).
 */
import { findRoot, labelSets, singletonSets } from '../core/disjointSets.js';
import { invalidOption } from '../core/errors.js';
import type { MapperGraph } from './graph.js';

/** Components of a graph: count and the component of each node (numbered by first node). */
export function graphComponents(
  nodeCount: number,
  edges: ArrayLike<{ source: number; target: number } | readonly [number, number, ...number[]]>,
): { count: number; componentOf: Int32Array } {
  const parent = singletonSets(nodeCount);
  for (let e = 0; e < edges.length; e++) {
    const edge = edges[e];
    const [a, b] = Array.isArray(edge)
      ? [edge[0], edge[1]]
      : [(edge as { source: number }).source, (edge as { target: number }).target];
    parent[findRoot(parent, a)] = findRoot(parent, b);
  }
  const componentOf = new Int32Array(nodeCount);
  const count = labelSets(parent, componentOf);
  return { count, componentOf };
}

/**
 * Size-weighted mean node purity: sum_v |v| max_c frac_c(v) / sum_v |v|, where frac_c(v) is the
 * fraction of node v's members of class c. null when the graph has no class counts or no nodes.
 */
export function weightedPurity(graph: Pick<MapperGraph, 'nodes'>): number | null {
  let num = 0;
  let den = 0;
  for (const n of graph.nodes) {
    if (n.purity === undefined) return null;
    num += n.size * n.purity;
    den += n.size;
  }
  return den > 0 ? num / den : null;
}

export interface ClassSeparation {
  /** Nodes that hold members of both classes. */
  mixedNodes: number[];
  /**
   * The largest lens value up to which both classes are present together in one node:
   * max over mixed nodes v of min(max lens of class-a members of v, max lens of class-b
   * members of v). Beyond it (lens increasing) the classes never share a node. null when no
   * node holds both.
   */
  sharedUntil: number | null;
  /** The mirror image (lens decreasing): min over mixed nodes of max(min lens of a, min lens of b). */
  sharedFrom: number | null;
}

/**
 * Where two classes branch apart along the lens (first lens dimension): see ClassSeparation.
 * `lens` holds the lens values of all points (dims = 1, or the first of each pair for dims 2).
 */
export function classSeparation(
  graph: Pick<MapperGraph, 'nodes' | 'points'>,
  lens: { values: ArrayLike<number>; dims: number },
  labels: ArrayLike<number>,
  classA: number,
  classB: number,
): ClassSeparation {
  if (labels.length !== graph.points) {
    throw invalidOption(
      `class separation: ${labels.length} labels for ${graph.points} points.`,
      'Give one label per point.',
    );
  }
  const mixedNodes: number[] = [];
  let until: number | null = null;
  let from: number | null = null;
  for (const node of graph.nodes) {
    let maxA = -Infinity;
    let maxB = -Infinity;
    let minA = Infinity;
    let minB = Infinity;
    for (const i of node.members) {
      const v = lens.values[i * lens.dims];
      if (labels[i] === classA) {
        if (v > maxA) maxA = v;
        if (v < minA) minA = v;
      } else if (labels[i] === classB) {
        if (v > maxB) maxB = v;
        if (v < minB) minB = v;
      }
    }
    if (maxA === -Infinity || maxB === -Infinity) continue;
    mixedNodes.push(node.id);
    const u = Math.min(maxA, maxB);
    const f = Math.max(minA, minB);
    if (until === null || u > until) until = u;
    if (from === null || f < from) from = f;
  }
  return { mixedNodes, sharedUntil: until, sharedFrom: from };
}

/**
 * Similarity of two Mapper graphs on the same points: the cosine between their co-membership
 * matrices C = A A^T (A: points x nodes membership, C_ij = number of nodes holding both i and j),
 *   sim(G, H) = <C_G, C_H>_F / (||C_G||_F ||C_H||_F) = ||A^T B||_F^2 / (||A^T A||_F ||B^T B||_F),
 * computed from node overlaps without any points x points matrix. 1 when both graphs group the
 * points identically, 0 when no two points are together in both. Both graphs empty: 1.
 */
export function membershipSimilarity(
  a: Pick<MapperGraph, 'nodes' | 'points'>,
  b: Pick<MapperGraph, 'nodes' | 'points'>,
): number {
  if (a.points !== b.points) {
    throw invalidOption(`membership similarity: graphs of ${a.points} and ${b.points} points.`);
  }
  const cross = overlapSquaredNorm(a, b);
  const na = Math.sqrt(overlapSquaredNorm(a, a));
  const nb = Math.sqrt(overlapSquaredNorm(b, b));
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return cross / (na * nb);
}

/** ||A^T B||_F^2 from the nodes' member lists. */
function overlapSquaredNorm(
  a: Pick<MapperGraph, 'nodes' | 'points'>,
  b: Pick<MapperGraph, 'nodes' | 'points'>,
): number {
  const n = a.points;
  // nodes of b containing each point (CSR)
  const count = new Int32Array(n + 1);
  for (const node of b.nodes) for (const i of node.members) count[i + 1]++;
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const nodesOf = new Int32Array(count[n]);
  b.nodes.forEach((node, v) => {
    for (const i of node.members) nodesOf[fill[i]++] = v;
  });
  let total = 0;
  const overlap = new Float64Array(b.nodes.length);
  const touched: number[] = [];
  for (const node of a.nodes) {
    for (const i of node.members) {
      for (let t = count[i]; t < count[i + 1]; t++) {
        const w = nodesOf[t];
        if (overlap[w] === 0) touched.push(w);
        overlap[w]++;
      }
    }
    for (const w of touched) {
      total += overlap[w] * overlap[w];
      overlap[w] = 0;
    }
    touched.length = 0;
  }
  return total;
}
