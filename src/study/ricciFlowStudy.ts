/**
 * Ricci-flow study ([B24]; docs/studies.md#ricci-flow): for many networks and several k,
 * the Ricci coefficient rho of each network (Pearson over layers of the layer curvature Ric_l
 * against the metric change eta_l = g_{l+1} - g_l of kNN graphs, geometry/ricciFlow.ts), with
 * - exclusions counted and explained: a graph disconnected at some layer (infinite geodesics),
 *   an accuracy below the filter (default 0.98, [B24]'s reference analysis), k too large;
 * - the pooled shift correlation over all (network, layer) pairs of the included networks,
 *   Pearson of (Ric_{l-1}, g_l - g_{l-1}), with p-value, Fisher-z and bootstrap intervals; and,
 *   when the networks name their architecture, the same per architecture ([B24] pools the
 *   networks of one architecture: width, depth and data set);
 * - flow strength against accuracy: Pearson and Spearman of rho (or its Fisher-z form) with
 *   test accuracy over all connected networks (the accuracy filter would leave almost no
 *   accuracy range), with intervals;
 * - the share of included networks with a negative rho (well-trained networks mostly show
 *   negative coefficients at a suitable k).
 * The clouds are taken as given: layer 0 is the input, the output layer is left out by the
 * caller (docs/studies.md).
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import { ricciFlow, type CurvatureMethod, type FisherForm } from '../geometry/ricciFlow.js';
import type { KnnGraphKind } from '../geometry/knnGraph.js';
import { correlationSummary, type CorrelationSummary } from '../stats/correlationTests.js';
import type { BootstrapOptions } from '../stats/bootstrap.js';
import type { NetworkClouds, StudyProgress } from './types.js';

export interface RicciNetwork extends NetworkClouds {
  /** test accuracy of the network, in [0, 1] */
  accuracy: number;
  /** the architecture the network is a repeat of (e.g. 'ricci-wide-d5'); networks that give one
   * are also pooled per architecture (`RicciKResult.architectures`) */
  architecture?: string;
}

export interface RicciFlowStudyOptions {
  /** neighbours per point (default [30, 120, 300], [B24] for 2,000 test points) */
  ks?: number[];
  /** keep networks with accuracy above this (default 0.98, [B24]'s reference analysis; 0 keeps all) */
  accuracyThreshold?: number;
  /** kNN graph convention (default 'undirected', the paper's) */
  graph?: KnnGraphKind;
  /** edge curvature (default 'forman') */
  curvature?: CurvatureMethod;
  /** Fisher-z depth adjustment form (default 'multiply') */
  fisher?: FisherForm;
  /** geodesic mass from hops (default, [B24]) or Euclidean edge lengths */
  geodesic?: 'hop' | 'euclidean';
  /** what is correlated with accuracy: rho (default) or its Fisher-z form */
  flowMeasure?: 'rho' | 'fisherZ';
  /** bootstrap of the correlations (default 9999 BCa resamples, seed 0; resamples 0 skips) */
  bootstrap?: BootstrapOptions;
  onProgress?: StudyProgress;
}

export interface RicciNetworkResult {
  network: string;
  accuracy: number;
  rho: number | null;
  fisherZ: number | null;
  /** per layer: Ric_l, g_l (null when disconnected), components */
  layers: { curvature: number; geodesicMass: number | null; components: number }[];
  eta: (number | null)[];
  connected: boolean;
  included: boolean;
  /** why it was left out, when it was */
  exclusion?: string;
}

/** The pooled test and the coefficients of the networks of one architecture, at one k. */
export interface RicciArchitectureResult {
  architecture: string;
  /** networks of this architecture */
  networks: number;
  included: number;
  /** (Ric_{l-1}, g_l - g_{l-1}) over the layers of this architecture's included networks */
  pooled: CorrelationSummary;
  /** share of its included networks with rho < 0 (null when none is included) */
  negativeShare: number | null;
  /** mean rho of its included networks (null when none is included) */
  meanRho: number | null;
}

export interface RicciKResult {
  k: number;
  networks: RicciNetworkResult[];
  included: number;
  excluded: { disconnected: number; lowAccuracy: number };
  /** (Ric_{l-1}, g_l - g_{l-1}) over the included networks' layers */
  pooled: CorrelationSummary;
  /** rho (or Fisher-z) against accuracy over connected networks */
  flowVsAccuracy: CorrelationSummary;
  /** share of included networks with rho < 0 (null when none is included) */
  negativeShare: number | null;
  /** per architecture, in order of first appearance; only networks that name one (empty when
   * none does) */
  architectures: RicciArchitectureResult[];
}

export interface RicciFlowStudyResult {
  study: 'ricci-flow';
  accuracyThreshold: number;
  graph: KnnGraphKind;
  curvature: CurvatureMethod;
  fisher: FisherForm;
  flowMeasure: 'rho' | 'fisherZ';
  results: RicciKResult[];
  /** k values left out because they need more points than the clouds have */
  skippedKs: { k: number; reason: string }[];
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** (Ric_{l-1}, g_l - g_{l-1}) over the layers of the included networks. */
function shiftPairs(nets: readonly RicciNetworkResult[]): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const net of nets) {
    if (!net.included) continue;
    for (let l = 1; l < net.layers.length; l++) {
      x.push(net.layers[l - 1].curvature);
      y.push(net.layers[l].geodesicMass! - net.layers[l - 1].geodesicMass!);
    }
  }
  return { x, y };
}

function includedRhos(nets: readonly RicciNetworkResult[]): number[] {
  return nets
    .filter((n) => n.included)
    .map((n) => n.rho)
    .filter((v): v is number => v !== null);
}

/** One network's part of the study: its results at each k its clouds allow (k below its number
 * of points), computed without the other networks (a job of its own in the runner). */
export interface RicciNetworkPart {
  network: string;
  accuracy: number;
  architecture?: string;
  /** points of its input cloud (layer 0): the study leaves out every k at or above the smallest */
  points: number;
  results: { k: number; network: RicciNetworkResult }[];
}

type NetworkPartOptions = Pick<
  RicciFlowStudyOptions,
  'ks' | 'accuracyThreshold' | 'graph' | 'curvature' | 'fisher' | 'geodesic'
>;

function checkKs(ks: readonly number[]): void {
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1)
      throw invalidOption(`k must be a positive integer, got ${k}.`);
  }
}

function checkAccuracy(net: { network: string; accuracy: number }): void {
  if (!(net.accuracy >= 0 && net.accuracy <= 1)) {
    throw invalidInput(
      `network '${net.network}' has accuracy ${net.accuracy}; give the test accuracy as a number in [0, 1].`,
    );
  }
}

/** Curvature, geodesic mass, rho and inclusion of one network at one k. */
function networkAtK(
  net: RicciNetwork,
  k: number,
  threshold: number,
  options: NetworkPartOptions,
): RicciNetworkResult {
  const r = ricciFlow(
    net.layers.map((l) => l.points),
    {
      k,
      graph: options.graph,
      curvature: options.curvature,
      fisher: options.fisher,
      geodesic: options.geodesic,
    },
  );
  let exclusion: string | undefined;
  const broken = r.layers.findIndex((s) => !s.connected);
  if (broken >= 0) {
    exclusion = `disconnected kNN graph at layer '${net.layers[broken].name}' (${r.layers[broken].components} components)`;
  } else if (!(net.accuracy > threshold) && threshold > 0) {
    exclusion = `accuracy ${net.accuracy} is not above ${threshold}`;
  }
  const out: RicciNetworkResult = {
    network: net.network,
    accuracy: net.accuracy,
    rho: finiteOrNull(r.rho),
    fisherZ: finiteOrNull(r.fisherZ),
    layers: r.layers.map((s) => ({
      curvature: s.curvature,
      geodesicMass: finiteOrNull(s.geodesicMass),
      components: s.components,
    })),
    eta: r.eta.map(finiteOrNull),
    connected: r.connected,
    included: exclusion === undefined,
  };
  if (exclusion) out.exclusion = exclusion;
  return out;
}

/**
 * The per-network part of the study (docs/studies.md#ricci-flow): for each k below the network's
 * number of points, its kNN graphs, layer curvatures, geodesic masses, rho and whether it is
 * included (connected at every layer, accuracy above the filter). `ricciFlowPool` pools the
 * parts of all networks; `ricciFlowStudy` is the two in one.
 */
export function ricciFlowNetwork(
  net: RicciNetwork,
  options: NetworkPartOptions & { onProgress?: (k: number) => void } = {},
): RicciNetworkPart {
  checkAccuracy(net);
  const ks = options.ks ?? [30, 120, 300];
  checkKs(ks);
  const threshold = options.accuracyThreshold ?? 0.98;
  const points = net.layers[0]?.points.rows ?? 0;
  const results = ks
    .filter((k) => k < points)
    .map((k) => {
      const network = networkAtK(net, k, threshold, options);
      options.onProgress?.(k);
      return { k, network };
    });
  return {
    network: net.network,
    accuracy: net.accuracy,
    ...(net.architecture !== undefined ? { architecture: net.architecture } : {}),
    points,
    results,
  };
}

/**
 * The pooled part of the study: from every network's part (`ricciFlowNetwork`, same options),
 * per k the counts of included and excluded networks, the pooled shift correlation, the flow
 * strength against accuracy, the share of negative rho and the per-architecture pools. A k at or
 * above the smallest network's number of points is left out for all networks (`skippedKs`).
 */
export function ricciFlowPool(
  parts: readonly RicciNetworkPart[],
  options: Omit<RicciFlowStudyOptions, 'onProgress'> = {},
): RicciFlowStudyResult {
  if (parts.length === 0) throw invalidInput('the Ricci-flow study needs networks, got none.');
  const ks = options.ks ?? [30, 120, 300];
  const threshold = options.accuracyThreshold ?? 0.98;
  const flowMeasure = options.flowMeasure ?? 'rho';
  if (flowMeasure !== 'rho' && flowMeasure !== 'fisherZ') {
    throw invalidOption(`flowMeasure must be 'rho' or 'fisherZ', got '${String(flowMeasure)}'.`);
  }
  for (const p of parts) checkAccuracy(p);
  checkKs(ks);
  const nMin = Math.min(...parts.map((p) => p.points));
  const usable = ks.filter((k) => k < nMin);
  const skippedKs = ks
    .filter((k) => k >= nMin)
    .map((k) => ({
      k,
      reason: `k = ${k} needs more than ${k} points; the smallest network has ${nMin}.`,
    }));
  const labels = [
    ...new Set(parts.map((n) => n.architecture).filter((a): a is string => a !== undefined)),
  ];
  const results = usable.map((k): RicciKResult => {
    const perNet = parts.map((p): RicciNetworkResult => {
      const at = p.results.find((r) => r.k === k);
      if (!at)
        throw invalidInput(
          `the Ricci-flow part of network '${p.network}' has no result at k = ${k}`,
          'compute the part of every network with the options of the pooled study',
        );
      return at.network;
    });
    const { x, y } = shiftPairs(perNet);
    const flow: number[] = [];
    const acc: number[] = [];
    for (const net of perNet) {
      const v = flowMeasure === 'rho' ? net.rho : net.fisherZ;
      if (net.connected && v !== null) {
        flow.push(v);
        acc.push(net.accuracy);
      }
    }
    const included = perNet.filter((n) => n.included);
    const rhos = includedRhos(perNet);
    const architectures = labels.map((architecture): RicciArchitectureResult => {
      const mine = perNet.filter((_, i) => parts[i].architecture === architecture);
      const pairs = shiftPairs(mine);
      const own = includedRhos(mine);
      return {
        architecture,
        networks: mine.length,
        included: mine.filter((n) => n.included).length,
        pooled: correlationSummary(pairs.x, pairs.y, { bootstrap: options.bootstrap }),
        negativeShare: own.length === 0 ? null : own.filter((v) => v < 0).length / own.length,
        meanRho: own.length === 0 ? null : own.reduce((a, b) => a + b, 0) / own.length,
      };
    });
    return {
      k,
      networks: perNet,
      included: included.length,
      excluded: {
        disconnected: perNet.filter((n) => !n.connected).length,
        lowAccuracy: perNet.filter((n) => n.connected && !n.included).length,
      },
      pooled: correlationSummary(x, y, { bootstrap: options.bootstrap }),
      flowVsAccuracy: correlationSummary(flow, acc, { bootstrap: options.bootstrap }),
      negativeShare: rhos.length === 0 ? null : rhos.filter((v) => v < 0).length / rhos.length,
      architectures,
    };
  });
  return {
    study: 'ricci-flow',
    accuracyThreshold: threshold,
    graph: options.graph ?? 'undirected',
    curvature: options.curvature ?? 'forman',
    fisher: options.fisher ?? 'multiply',
    flowMeasure,
    results,
    skippedKs,
  };
}

/** The whole study over `networks`: each network's part (`ricciFlowNetwork`) at the k every
 * network allows, then the pool (`ricciFlowPool`). */
export function ricciFlowStudy(
  networks: readonly RicciNetwork[],
  options: RicciFlowStudyOptions = {},
): RicciFlowStudyResult {
  if (networks.length === 0) throw invalidInput('the Ricci-flow study needs networks, got none.');
  const flowMeasure = options.flowMeasure ?? 'rho';
  if (flowMeasure !== 'rho' && flowMeasure !== 'fisherZ') {
    throw invalidOption(`flowMeasure must be 'rho' or 'fisherZ', got '${String(flowMeasure)}'.`);
  }
  for (const net of networks) checkAccuracy(net);
  const ks = options.ks ?? [30, 120, 300];
  checkKs(ks);
  const nMin = Math.min(...networks.map((n) => n.layers[0]?.points.rows ?? 0));
  const usable = ks.filter((k) => k < nMin);
  const total = usable.length * networks.length;
  let done = 0;
  const { onProgress, ...rest } = options;
  const parts = networks.map((net) =>
    ricciFlowNetwork(net, {
      ...rest,
      ks: usable,
      onProgress: (k) => onProgress?.(++done, total, `k=${k} ${net.network}`),
    }),
  );
  return ricciFlowPool(parts, { ...rest, ks });
}
