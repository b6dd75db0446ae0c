/**
 * Layer comparison ([P23]; docs/studies.md#layer-comparison): for each measure (the sliced
 * Wasserstein distance of H1 diagrams, and CKA, RSA, Procrustes beside it) one labelled matrix
 * over every layer of every network (rows `network/layer`), so it holds the within-network
 * blocks and the across-seed blocks; from it the specificity score (the same layer across seeds
 * closer than different layers) and, per layer, the sensitivity curve (distance to the cloud
 * with its top-k principal directions removed, k = 0, 4, 8, ...).
 *
 * All layers are compared on the same inputs: at most `maxPoints` rows (default 1,000, [P23]),
 * drawn once with the seed.
 */
import type { Matrix } from '../core/matrix.js';
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { selectRows } from '../core/matrix.js';
import { matrixValue, type LabelledMatrix } from '../core/labelledMatrix.js';
import { ripsPersistence } from '../homology/rips.js';
import { slicedWasserstein } from '../homology/slicedWasserstein.js';
import { bottleneckDistance } from '../homology/bottleneck.js';
import { wassersteinDistance } from '../homology/wasserstein.js';
import {
  diagramMeasure,
  measureKind,
  pairwiseMatrix,
  type PairwiseMatrixOptions,
} from '../similarity/pairwiseMatrix.js';
import { similarityMeasures } from '../similarity/measures.js';
import {
  sensitivityTest,
  type ComparableMeasure,
  type SensitivityResult,
} from '../similarity/tests.js';
import type { MeasureKind } from '../similarity/types.js';
import type { NetworkClouds, StudyProgress } from './types.js';
import { networksOf } from './layerProfile.js';
import { sampleGroups } from './sampling.js';

export interface LayerComparisonOptions {
  /** measures (default sw-h1 ([P23]), cka, rsa, procrustes) */
  measures?: string[];
  /** at most this many inputs (default 1000, [P23]) */
  maxPoints?: number;
  /** seed of the input draw (default 0) */
  seed?: number;
  /**
   * sensitivity test per layer of the first network (default { step: 4 }, Ding et al.);
   * false skips it (it costs maxK / step + 1 evaluations per layer and measure)
   */
  sensitivity?: false | { step?: number; maxK?: number; layers?: string[] };
  /** options of the diagram measures (Rips, sliced Wasserstein, Wasserstein) */
  pairwise?: Pick<PairwiseMatrixOptions, 'rips' | 'slicedWasserstein' | 'wasserstein'>;
  onProgress?: StudyProgress;
}

export interface SpecificitySummary {
  /** fraction of (seed a, seed b, layer l, other layer m) with the same layer closer */
  score: number;
  comparisons: number;
  /** per layer: mean measure between the same layer of different seeds */
  sameLayerMean: number[];
  /** per layer: mean measure between that layer and the other layers of other seeds */
  otherLayerMean: number[];
}

export interface MeasureComparison {
  measure: string;
  kind: MeasureKind;
  /** rows `network/layer`, network-major */
  matrix: LabelledMatrix;
  /** present with at least 2 networks */
  specificity?: SpecificitySummary;
  /** per layer of the first network (or those asked for), the sensitivity curve */
  sensitivity?: (SensitivityResult & { layer: string })[];
}

export interface LayerComparisonResult {
  study: 'layer-comparison';
  networks: string[];
  layers: { name: string; index: number; depth: number }[];
  inputsUsed: number;
  comparisons: MeasureComparison[];
}

/**
 * The specificity score read from a matrix over `networks x layers` rows (network-major): for
 * every ordered pair of networks a != b and layer l, same = M[a/l, b/l] against
 * other = M[a/l, b/m] for each m != l (the comparisons of specificityTest).
 */
export function specificityFromMatrix(
  matrix: LabelledMatrix,
  networks: number,
  layers: number,
): SpecificitySummary {
  if (networks * layers !== matrix.names.length) {
    throw invalidInput(
      `${networks} networks x ${layers} layers do not fill a matrix of ${matrix.names.length} rows.`,
    );
  }
  if (networks < 2) throw invalidInput(`specificity needs at least 2 networks, got ${networks}.`);
  const closer = (same: number, other: number) =>
    matrix.kind === 'distance' ? same < other : same > other;
  let hits = 0;
  let comparisons = 0;
  const sameSum = new Array<number>(layers).fill(0);
  const otherSum = new Array<number>(layers).fill(0);
  for (let a = 0; a < networks; a++) {
    for (let b = 0; b < networks; b++) {
      if (a === b) continue;
      for (let l = 0; l < layers; l++) {
        const same = matrixValue(matrix, a * layers + l, b * layers + l);
        sameSum[l] += same;
        for (let m = 0; m < layers; m++) {
          if (m === l) continue;
          const other = matrixValue(matrix, a * layers + l, b * layers + m);
          otherSum[l] += other;
          comparisons++;
          if (closer(same, other)) hits++;
        }
      }
    }
  }
  const pairs = networks * (networks - 1);
  return {
    score: hits / comparisons,
    comparisons,
    sameLayerMean: sameSum.map((s) => s / pairs),
    otherLayerMean: otherSum.map((s) => s / (pairs * (layers - 1))),
  };
}

/** A measure function for the sensitivity test; diagram measures cache the reference diagram. */
function comparableMeasure(
  name: string,
  pairwise: LayerComparisonOptions['pairwise'] = {},
): ComparableMeasure {
  const dm = diagramMeasure(name);
  if (!dm) return similarityMeasures[name].compute;
  const cache = new WeakMap<Matrix, PersistenceDiagram>();
  const diagramOf = (X: Matrix) => {
    let d = cache.get(X);
    if (!d) {
      d = ripsPersistence(X, { ...pairwise.rips, maxDimension: dm.dimension }).diagrams[
        dm.dimension
      ];
      cache.set(X, d);
    }
    return d;
  };
  return (X, Y) => {
    const a = diagramOf(X);
    const b = diagramOf(Y);
    const value =
      dm.family === 'sw'
        ? slicedWasserstein(a, b, pairwise.slicedWasserstein)
        : dm.family === 'bottleneck'
          ? bottleneckDistance(a, b, { infinite: pairwise.wasserstein?.infinite })
          : wassersteinDistance(a, b, pairwise.wasserstein);
    return { measure: name, kind: 'distance', value };
  };
}

export function layerComparison(
  input: NetworkClouds | readonly NetworkClouds[],
  options: LayerComparisonOptions = {},
): LayerComparisonResult {
  const networks = networksOf(input);
  const measures = options.measures ?? ['sw-h1', 'cka', 'rsa', 'procrustes'];
  if (measures.length === 0) throw invalidOption('measures: give at least one measure.');
  measures.forEach((m) => measureKind(m)); // names the unknown ones before any work
  const L = networks[0].layers.length;
  const n = networks[0].layers[0].points.rows;
  for (const net of networks) {
    if (net.layers[0].points.rows !== n) {
      throw invalidInput(
        `network '${net.network}' has ${net.layers[0].points.rows} inputs but '${networks[0].network}' has ${n}.`,
        'Capture every network on the same inputs in the same order.',
      );
    }
  }
  const rows = sampleGroups(n, {
    scope: 'global',
    maxPoints: options.maxPoints ?? 1000,
    seed: options.seed ?? 0,
    what: 'layer comparison',
  })[0].rows;
  const clouds = networks.flatMap((net) =>
    net.layers.map((layer) => ({
      name: `${net.network}/${layer.name}`,
      points: selectRows(layer.points, rows),
    })),
  );
  const sens = options.sensitivity ?? {};
  const sensLayers =
    sens === false
      ? []
      : (sens.layers ?? networks[0].layers.map((l) => l.name)).map((name) => {
          const l = networks[0].layers.findIndex((x) => x.name === name);
          if (l < 0) throw invalidOption(`sensitivity: no layer named '${name}'.`);
          return l;
        });
  const total = measures.length * (1 + sensLayers.length);
  let done = 0;
  let diagrams: PersistenceDiagram[][] | undefined;
  const comparisons = measures.map((measure): MeasureComparison => {
    const res = pairwiseMatrix(clouds, { ...options.pairwise, measure, diagrams });
    if (res.diagrams) {
      // keep the deepest diagrams computed so far for the next diagram measure
      if (!diagrams || res.diagrams[0].length > diagrams[0].length) diagrams = res.diagrams;
    }
    options.onProgress?.(++done, total, `matrix ${measure}`);
    const out: MeasureComparison = {
      measure,
      kind: res.matrix.kind,
      matrix: res.matrix,
    };
    if (networks.length >= 2)
      out.specificity = specificityFromMatrix(res.matrix, networks.length, L);
    if (sens !== false) {
      const fn = comparableMeasure(measure, options.pairwise);
      out.sensitivity = sensLayers.map((l) => {
        const X = clouds[l].points;
        const r = sensitivityTest(X, fn, { step: sens.step, maxK: sens.maxK, kind: out.kind });
        options.onProgress?.(++done, total, `sensitivity ${measure} ${clouds[l].name}`);
        return { layer: networks[0].layers[l].name, ...r };
      });
    }
    return out;
  });
  return {
    study: 'layer-comparison',
    networks: networks.map((n) => n.network),
    layers: networks[0].layers.map((l) => ({ name: l.name, index: l.index, depth: l.depth })),
    inputsUsed: rows.length,
    comparisons,
  };
}
