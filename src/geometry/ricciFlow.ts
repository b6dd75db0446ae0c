/**
 * Ricci-flow coefficients of a network ([B24], docs/curvature-and-ricci-flow.md).
 *
 * Given the layer clouds X_0 (the input), X_1, ..., X_{m-1} (hidden layers; the caller leaves the
 * output layer out), on the same inputs in the same order:
 * - Ric_l = sum over edges of the curvature of the kNN graph of X_l (Forman by default);
 * - g_l = sum over unordered pairs of hop distance in that graph (Infinity if disconnected);
 * - eta_l = g_{l+1} - g_l for l = 0..m-2;
 * - rho = Pearson(Ric_l, eta_l) over l = 0..L-1 with L = m - 1 pairs (the last cloud's
 *   curvature enters no pair, as docs/curvature-and-ricci-flow.md aligns them);
 * - the Fisher-z depth adjustment arctanh(rho) x sqrt(L - 4) ('multiply', default: the
 *   form of a Fisher test statistic, which grows with the number of layers that support the
 *   correlation) or arctanh(rho) / sqrt(L - 4) ('divide', the other published form). It is NaN
 *   for L <= 4.
 *
 * Note: [B24]'s R code sums the full n x n `distances()` matrix, i.e. ordered pairs: its g is
 * 2x ours, which leaves rho unchanged.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { pearson } from '../linalg/correlation.js';
import { connectedComponents, edgeCount, underlyingUndirected, type Graph } from './graph.js';
import { knnGraph, type KnnGraphKind } from './knnGraph.js';
import { formanCurvature, formanTotal } from './forman.js';
import { ollivierCurvature } from './ollivier.js';
import { edgeLengths, hopDistances, UNREACHABLE, weightedGeodesicMass } from './shortestPaths.js';

export type CurvatureMethod = 'forman' | 'augmented' | 'ollivier';
export type FisherForm = 'multiply' | 'divide';

export interface RicciFlowOptions {
  /** neighbours per point; [B24] tries 30, 120, 300 for 2,000 test points */
  k: number;
  /** kNN graph convention, default 'undirected' (the paper's); 'directed' = published code */
  graph?: KnnGraphKind;
  /** edge curvature, default 'forman' ([B24]) */
  curvature?: CurvatureMethod;
  /** Fisher-z depth adjustment form, default 'multiply' */
  fisher?: FisherForm;
  /**
   * geodesic mass from hop counts ('hop', default, [B24]) or from Euclidean edge lengths
   * ('euclidean': Dijkstra on the undirected graph, O(n m log n))
   */
  geodesic?: 'hop' | 'euclidean';
  /** progress: (layers done, layers) */
  onProgress?: (done: number, total: number) => void;
}

export interface RicciLayerStats {
  /** Ric_l: total edge curvature */
  curvature: number;
  /** g_l: sum of hop distances over unordered pairs, Infinity when disconnected */
  geodesicMass: number;
  connected: boolean;
  components: number;
  /** edges (arcs for the directed convention) */
  edges: number;
  /** bit-parallel BFS word operations spent on g_l */
  wordOps: number;
}

export interface RicciCoefficient {
  /** eta_l = g_{l+1} - g_l, l = 0..L-1 */
  eta: number[];
  /** Pearson(Ric_l, eta_l); NaN if any layer is disconnected or a series is constant */
  rho: number;
  /** arctanh(rho) adjusted by sqrt(L - 4) in the chosen form; NaN for L <= 4 */
  fisherZ: number;
  fisher: FisherForm;
  /** number of (Ric_l, eta_l) pairs */
  L: number;
  /** all layers connected */
  connected: boolean;
}

export interface RicciFlowResult extends RicciCoefficient {
  layers: RicciLayerStats[];
}

function checkLayers(layers: readonly Matrix[]): void {
  if (layers.length < 2) {
    throw invalidInput(
      `Ricci flow needs at least 2 layer clouds (input and one hidden layer), got ${layers.length}.`,
    );
  }
  const n = layers[0].rows;
  layers.forEach((X, l) => {
    if (X.rows !== n) {
      throw invalidInput(
        `layer ${l} has ${X.rows} points but layer 0 has ${n}; every layer must hold the same inputs in the same order.`,
        'Capture all layers on one input set.',
      );
    }
  });
}

/** The graph statistics of one layer cloud. */
export function layerRicciStats(
  cloud: Matrix,
  options: Omit<RicciFlowOptions, 'fisher' | 'onProgress'> & { name?: string },
): RicciLayerStats {
  const graph = knnGraph(cloud, { k: options.k, kind: options.graph, name: options.name });
  const stats = graphRicciStats(graph, options.curvature);
  const geodesic = options.geodesic ?? 'hop';
  if (geodesic === 'euclidean') {
    const u = underlyingUndirected(graph);
    stats.geodesicMass = weightedGeodesicMass(u, edgeLengths(u, cloud)).geodesicMass;
  } else if (geodesic !== 'hop') {
    throw invalidOption(`unknown geodesic '${String(geodesic)}'.`, 'Use hop or euclidean.');
  }
  return stats;
}

/** Ric and g of a given graph. */
export function graphRicciStats(
  graph: Graph,
  curvature: CurvatureMethod = 'forman',
): RicciLayerStats {
  let total: number;
  if (curvature === 'forman') total = formanTotal(graph);
  else if (curvature === 'augmented') total = formanCurvature(graph, { augmented: true }).total;
  else if (curvature === 'ollivier') total = ollivierCurvature(graph).total;
  else {
    throw invalidOption(
      `unknown curvature '${String(curvature)}'.`,
      'Use forman, augmented or ollivier.',
    );
  }
  const u = underlyingUndirected(graph);
  const hops = hopDistances(u);
  return {
    curvature: total,
    geodesicMass: hops.geodesicMass,
    connected: hops.connected,
    components: hops.connected ? 1 : connectedComponents(u).count,
    edges: edgeCount(graph),
    wordOps: hops.wordOps,
  };
}

function fisherAdjust(rho: number, L: number, form: FisherForm): number {
  if (!(L > 4) || !Number.isFinite(rho)) return NaN;
  const z = Math.atanh(Math.max(-1, Math.min(1, rho)));
  return form === 'multiply' ? z * Math.sqrt(L - 4) : z / Math.sqrt(L - 4);
}

/** rho and its Fisher-z adjustment from per-layer Ric_l and g_l (same length m >= 2). */
export function ricciCoefficient(
  curvatures: ArrayLike<number>,
  masses: ArrayLike<number>,
  options: { fisher?: FisherForm } = {},
): RicciCoefficient {
  const m = curvatures.length;
  if (masses.length !== m) {
    throw invalidInput(`${m} curvatures but ${masses.length} geodesic masses; they must match.`);
  }
  const fisher = options.fisher ?? 'multiply';
  if (fisher !== 'multiply' && fisher !== 'divide') {
    throw invalidOption(`unknown Fisher form '${String(fisher)}'.`, 'Use multiply or divide.');
  }
  const L = m - 1;
  const eta: number[] = [];
  for (let l = 0; l < L; l++) eta.push(masses[l + 1] - masses[l]);
  let connected = true;
  for (let l = 0; l < m; l++) if (!Number.isFinite(masses[l])) connected = false;
  const ric = Array.from({ length: L }, (_, l) => curvatures[l]);
  const rho = connected ? pearson(ric, eta) : NaN;
  return { eta, rho, fisherZ: fisherAdjust(rho, L, fisher), fisher, L, connected };
}

/** The whole analysis of one network: graphs, Ric_l, g_l, eta_l, rho. */
export function ricciFlow(layers: readonly Matrix[], options: RicciFlowOptions): RicciFlowResult {
  checkLayers(layers);
  const stats: RicciLayerStats[] = [];
  layers.forEach((X, l) => {
    stats.push(layerRicciStats(X, { ...options, name: `layer ${l}` }));
    options.onProgress?.(l + 1, layers.length);
  });
  const coef = ricciCoefficient(
    stats.map((s) => s.curvature),
    stats.map((s) => s.geodesicMass),
    { fisher: options.fisher },
  );
  return { ...coef, layers: stats };
}

export interface PooledNetwork {
  layers: readonly { curvature: number; geodesicMass: number }[];
}

/**
 * [B24]'s pooled "shift" test: Pearson of (Ric_{l-1}, g_l - g_{l-1}) over all (network, layer)
 * pairs, l = 1..m-1. Networks with a disconnected graph at any layer are left out and counted.
 */
export function pooledShiftCorrelation(networks: readonly PooledNetwork[]): {
  r: number;
  pairs: number;
  included: number;
  excluded: number;
} {
  const x: number[] = [];
  const y: number[] = [];
  let included = 0;
  let excluded = 0;
  for (const net of networks) {
    if (net.layers.some((s) => !Number.isFinite(s.geodesicMass))) {
      excluded++;
      continue;
    }
    included++;
    for (let l = 1; l < net.layers.length; l++) {
      x.push(net.layers[l - 1].curvature);
      y.push(net.layers[l].geodesicMass - net.layers[l - 1].geodesicMass);
    }
  }
  return { r: pearson(x, y), pairs: x.length, included, excluded };
}

/**
 * Pearson correlation of per-network rho (or its Fisher-z form with `use: 'fisherZ'`) with test
 * accuracy. Networks with a disconnected layer (rho NaN) are excluded and counted.
 */
export function rhoAccuracyCorrelation(
  networks: readonly RicciCoefficient[],
  accuracies: ArrayLike<number>,
  options: { use?: 'rho' | 'fisherZ' } = {},
): { r: number; included: number; excluded: number } {
  if (accuracies.length !== networks.length) {
    throw invalidInput(
      `${networks.length} networks but ${accuracies.length} accuracies; give one accuracy per network.`,
    );
  }
  const use = options.use ?? 'rho';
  const x: number[] = [];
  const y: number[] = [];
  let excluded = 0;
  networks.forEach((net, i) => {
    const v = use === 'rho' ? net.rho : net.fisherZ;
    if (!net.connected || !Number.isFinite(v)) {
      excluded++;
      return;
    }
    x.push(v);
    y.push(accuracies[i]);
  });
  return { r: pearson(x, y), included: x.length, excluded };
}

export interface LocalRicciFlowResult {
  /** per point i: Pearson over l of (node curvature_l(i), mean hop change_l(i)); NaN if undefined */
  perPoint: Float64Array;
  /** per layer l: Pearson over points of the same two quantities */
  perLayer: Float64Array;
  /** node curvature (mean of incident edges) per layer, row-major L x n */
  nodeCurvature: Float64Array;
  /** mean over i's layer-l neighbours j of gamma_{l+1}(i, j) - gamma_l(i, j), L x n */
  hopChange: Float64Array;
  L: number;
  n: number;
  /** layers (of l + 1) whose graph was disconnected: their changes are NaN */
  disconnectedLayers: number[];
}

/**
 * Local Ricci flow (Hehl, von Renesse, Weber 2025): per point i and layer l = 0..L-1, the mean
 * curvature of i's edges in graph l and the mean change of hop distance from i to its graph-l
 * neighbours j, gamma_{l+1}(i, j) - gamma_l(i, j) = gamma_{l+1}(i, j) - 1. Keeps one n x n
 * 8-bit hop matrix at a time.
 */
export function localRicciFlow(
  layers: readonly Matrix[],
  options: Omit<RicciFlowOptions, 'fisher'>,
): LocalRicciFlowResult {
  checkLayers(layers);
  const n = layers[0].rows;
  const L = layers.length - 1;
  const method = options.curvature ?? 'forman';
  const nodeCurvature = new Float64Array(L * n);
  const hopChange = new Float64Array(L * n);
  const disconnectedLayers: number[] = [];
  let prevDirected = knnGraph(layers[0], { k: options.k, kind: options.graph, name: 'layer 0' });
  let prev: Graph = underlyingUndirected(prevDirected);
  for (let l = 0; l < L; l++) {
    const curv =
      method === 'ollivier'
        ? ollivierCurvature(prevDirected)
        : formanCurvature(prevDirected, { augmented: method === 'augmented' });
    nodeCurvature.set(curv.nodes, l * n);
    const nextDirected = knnGraph(layers[l + 1], {
      k: options.k,
      kind: options.graph,
      name: `layer ${l + 1}`,
    });
    const next = underlyingUndirected(nextDirected);
    const hops = hopDistances(next, { matrix: true });
    if (!hops.connected) disconnectedLayers.push(l + 1);
    const D = hops.distances!;
    for (let i = 0; i < n; i++) {
      let s = 0;
      let c = 0;
      for (let t = prev.offsets[i]; t < prev.offsets[i + 1]; t++) {
        const d = D[i * n + prev.targets[t]];
        s += d === UNREACHABLE ? Infinity : d - 1;
        c++;
      }
      hopChange[l * n + i] = c === 0 ? 0 : Number.isFinite(s) ? s / c : NaN;
    }
    prev = next;
    prevDirected = nextDirected;
    options.onProgress?.(l + 1, L);
  }
  const perPoint = new Float64Array(n);
  const a = new Float64Array(L);
  const b = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < L; l++) {
      a[l] = nodeCurvature[l * n + i];
      b[l] = hopChange[l * n + i];
    }
    perPoint[i] = b.some((v) => Number.isNaN(v)) ? NaN : pearson(a, b);
  }
  const perLayer = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    const hb = hopChange.subarray(l * n, (l + 1) * n);
    perLayer[l] = hb.some((v) => Number.isNaN(v))
      ? NaN
      : pearson(nodeCurvature.subarray(l * n, (l + 1) * n), hb);
  }
  return { perPoint, perLayer, nodeCurvature, hopChange, L, n, disconnectedLayers };
}
