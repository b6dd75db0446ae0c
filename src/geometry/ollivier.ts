/**
 * Ollivier-Ricci curvature of an unweighted graph (docs/curvature-and-ricci-flow.md):
 * kappa(x, y) = 1 - W1(m_x, m_y) / d(x, y), with m_x = alpha at x and (1 - alpha) / deg(x) on
 * every neighbour of x (the "lazy random walk" of GraphRicciCurvature with unit weights), and
 * the hop distance as ground cost. For an edge d(x, y) = 1 and every cost between the two
 * supports is at most 3.
 *
 * W1 is exact (successive shortest paths) when both supports have at most `maxExactSupport`
 * points (transport 'auto', the default) or always ('exact'); entropic Sinkhorn otherwise or
 * when asked ('sinkhorn').
 *
 * Directed graphs are taken as their underlying undirected graph.
 */
import { invalidOption } from '../core/errors.js';
import { edgeList, underlyingUndirected, type Graph } from './graph.js';
import { hopDistances } from './shortestPaths.js';
import { nodeMeans, type EdgeCurvature } from './forman.js';
import { exactTransportCost, sinkhornTransportCost } from './transport.js';

export interface OllivierOptions {
  /** mass kept at the node, default 0.5 (GraphRicciCurvature's default) */
  alpha?: number;
  /** 'auto' (default): exact up to maxExactSupport points per side, Sinkhorn above */
  transport?: 'auto' | 'exact' | 'sinkhorn';
  /** largest support solved exactly under 'auto', default 200 */
  maxExactSupport?: number;
  /** Sinkhorn regularisation, default 0.01 */
  sinkhornEpsilon?: number;
  /** progress callback (edges done, edges) */
  onProgress?: (done: number, total: number) => void;
}

export function ollivierCurvature(graph: Graph, options: OllivierOptions = {}): EdgeCurvature {
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha < 1)) throw invalidOption(`alpha must lie in [0, 1), got ${alpha}.`);
  const transport = options.transport ?? 'auto';
  if (!['auto', 'exact', 'sinkhorn'].includes(transport)) {
    throw invalidOption(`unknown transport '${transport}'.`, 'Use auto, exact or sinkhorn.');
  }
  const maxExact = options.maxExactSupport ?? 200;
  const g = underlyingUndirected(graph);
  const { n, offsets, targets } = g;
  const hop = hopDistances(g, { matrix: true }).distances!;
  const { from, to } = edgeList(g);
  const values = new Float64Array(from.length);
  const supportOf = (x: number) => {
    const deg = offsets[x + 1] - offsets[x];
    const nodes = new Int32Array(deg + 1);
    const mass = new Float64Array(deg + 1);
    nodes[0] = x;
    mass[0] = deg === 0 ? 1 : alpha;
    for (let t = 0; t < deg; t++) {
      nodes[t + 1] = targets[offsets[x] + t];
      mass[t + 1] = (1 - alpha) / deg;
    }
    return { nodes, mass };
  };
  for (let e = 0; e < from.length; e++) {
    const sx = supportOf(from[e]);
    const sy = supportOf(to[e]);
    const a = sx.nodes.length;
    const b = sy.nodes.length;
    const cost = new Float64Array(a * b);
    for (let i = 0; i < a; i++) {
      const row = sx.nodes[i] * n;
      for (let j = 0; j < b; j++) cost[i * b + j] = hop[row + sy.nodes[j]];
    }
    const useExact = transport === 'exact' || (transport === 'auto' && Math.max(a, b) <= maxExact);
    const w1 = useExact
      ? exactTransportCost(sx.mass, sy.mass, cost)
      : sinkhornTransportCost(sx.mass, sy.mass, cost, { epsilon: options.sinkhornEpsilon });
    values[e] = 1 - w1;
    if (options.onProgress && (e & 255) === 0) options.onProgress(e, from.length);
  }
  options.onProgress?.(from.length, from.length);
  let total = 0;
  for (const v of values) total += v;
  return { from, to, values, nodes: nodeMeans(n, from, to, values), total };
}
