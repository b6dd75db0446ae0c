/**
 * One labelled square matrix of any layer-comparison measure over a list of named clouds
 * (docs/studies.md#pairwise-matrices): persistence-based distances ('sw-h1', 'bottleneck-h0',
 * 'wasserstein-h1', ...: the diagrams of each cloud are computed once, or taken from
 * `diagrams` when given, and returned for reuse) and the representational measures of
 * ./measures.ts ('cka', 'cka-rbf', 'cka-debiased', 'rsa', 'rsa-pearson', 'procrustes'), or a
 * measure of your own. Names are kept (e.g. `seed1/block3` across networks), so one call
 * fills the within-network and the across-seed blocks at once.
 *
 * Diagram measures:
 * - 'sw-hD': sliced Wasserstein (persim's variant, 50 directions, [P23]);
 * - 'bottleneck-hD': exact bottleneck distance;
 * - 'wasserstein-hD': exact p-Wasserstein, p = 1 and ground metric L_inf by default.
 * Essential bars are matched by birth (Infinity when their counts differ).
 */
import type { Matrix } from '../core/matrix.js';
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { labelledMatrix, type LabelledMatrix } from '../core/labelledMatrix.js';
import { ripsPersistence, type RipsOptions } from '../homology/rips.js';
import { slicedWasserstein, type SlicedWassersteinOptions } from '../homology/slicedWasserstein.js';
import { bottleneckDistance } from '../homology/bottleneck.js';
import { wassersteinDistance, type WassersteinOptions } from '../homology/wasserstein.js';
import { similarityMeasures } from './measures.js';
import type { MeasureKind, SimilarityResult } from './types.js';

/** A measure of your own: its name, its kind and the function. */
export interface CustomMeasure {
  name: string;
  kind: MeasureKind;
  compute: (X: Matrix, Y: Matrix) => number | SimilarityResult;
}

export interface PairwiseMatrixOptions {
  /**
   * The measure: 'sw-h1' (default, [P23]), 'sw-h0', 'bottleneck-h0' / '-h1', 'wasserstein-h0' /
   * '-h1' (any dimension D in 'sw-hD'), 'cka', 'cka-rbf', 'cka-debiased', 'rsa', 'rsa-pearson',
   * 'procrustes', or a CustomMeasure.
   */
  measure?: string | CustomMeasure;
  /**
   * Diagrams already computed, one entry per cloud (undefined where not yet), each indexed by
   * dimension; used when they reach the dimension the measure needs.
   */
  diagrams?: readonly (readonly PersistenceDiagram[] | undefined)[];
  /** Vietoris-Rips options for the diagrams (threshold, coefficient, memory limit) */
  rips?: Omit<RipsOptions, 'maxDimension' | 'cocycles' | 'onProgress'>;
  slicedWasserstein?: SlicedWassersteinOptions;
  wasserstein?: WassersteinOptions;
  /** progress: (steps done, steps), diagrams first, then the pairs */
  onProgress?: (done: number, total: number) => void;
}

export interface PairwiseMatrixResult {
  matrix: LabelledMatrix;
  /**
   * The diagrams per cloud (dimensions 0..D) for diagram measures, given or computed, so the
   * caller can keep them for the next measure. Typed arrays with Infinity: write them with
   * diagramsToJSON.
   */
  diagrams?: PersistenceDiagram[][];
}

/** A named cloud: a LayerCloud fits, or any { name, points }. */
export interface NamedCloud {
  name: string;
  points: Matrix;
}

const DIAGRAM_MEASURE = /^(sw|bottleneck|wasserstein)-h(\d+)$/;

/** The names pairwiseMatrix accepts (diagram measures shown for H0 and H1). */
export const PAIRWISE_MEASURES: readonly string[] = [
  'sw-h0',
  'sw-h1',
  'bottleneck-h0',
  'bottleneck-h1',
  'wasserstein-h0',
  'wasserstein-h1',
  ...Object.keys(similarityMeasures).filter((m) => m !== 'sw'),
];

/** Whether a measure name is persistence-based, and its dimension. */
export function diagramMeasure(
  measure: string,
): { family: 'sw' | 'bottleneck' | 'wasserstein'; dimension: number } | null {
  const m = DIAGRAM_MEASURE.exec(measure);
  return m
    ? { family: m[1] as 'sw' | 'bottleneck' | 'wasserstein', dimension: Number(m[2]) }
    : null;
}

/** The kind of a named measure ('distance' for the diagram ones). */
export function measureKind(measure: string | CustomMeasure): MeasureKind {
  if (typeof measure !== 'string') return measure.kind;
  if (diagramMeasure(measure)) return 'distance';
  const named = similarityMeasures[measure];
  if (!named || measure === 'sw') throw unknownMeasure(measure);
  return named.kind;
}

function unknownMeasure(measure: string) {
  return invalidOption(
    `unknown measure '${measure}'.`,
    `Use one of ${PAIRWISE_MEASURES.join(', ')} (or sw-hD, bottleneck-hD, wasserstein-hD for dimension D).`,
  );
}

function checkClouds(clouds: readonly NamedCloud[]): void {
  if (clouds.length === 0)
    throw invalidInput('a pairwise matrix needs at least one cloud, got none.');
  const seen = new Set<string>();
  for (const c of clouds) {
    if (seen.has(c.name)) {
      throw invalidInput(
        `two clouds are named '${c.name}'; the matrix rows need distinct names.`,
        'Prefix layer names with their network, e.g. seed1/block3.',
      );
    }
    seen.add(c.name);
  }
}

export function pairwiseMatrix(
  clouds: readonly NamedCloud[],
  options: PairwiseMatrixOptions = {},
): PairwiseMatrixResult {
  checkClouds(clouds);
  const measure = options.measure ?? 'sw-h1';
  const names = clouds.map((c) => c.name);
  const n = clouds.length;
  const values = new Float64Array(n * n);
  if (options.diagrams && options.diagrams.length !== n) {
    throw invalidInput(
      `${options.diagrams.length} precomputed diagram lists for ${n} clouds; give one entry per cloud (undefined where none).`,
    );
  }
  const dm = typeof measure === 'string' ? diagramMeasure(measure) : null;
  const pairs = (n * (n - 1)) / 2;
  if (dm) {
    const { family, dimension } = dm;
    let todo = 0;
    const have = clouds.map((_, i) => {
      const given = options.diagrams?.[i];
      const ok = given !== undefined && given.length > dimension;
      if (!ok) todo++;
      return ok;
    });
    const total = todo + pairs;
    let done = 0;
    const diagrams = clouds.map((c, i) => {
      if (have[i]) return [...options.diagrams![i]!];
      if (c.points.rows < 2) {
        throw invalidInput(
          `cloud '${c.name}' has ${c.points.rows} point(s); persistence needs at least 2.`,
        );
      }
      const d = ripsPersistence(c.points, { ...options.rips, maxDimension: dimension }).diagrams;
      options.onProgress?.(++done, total);
      return d;
    });
    const distance = (a: PersistenceDiagram, b: PersistenceDiagram) =>
      family === 'sw'
        ? slicedWasserstein(a, b, options.slicedWasserstein)
        : family === 'bottleneck'
          ? bottleneckDistance(a, b, { infinite: options.wasserstein?.infinite })
          : wassersteinDistance(a, b, options.wasserstein);
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const v = distance(diagrams[a][dimension], diagrams[b][dimension]);
        values[a * n + b] = v;
        values[b * n + a] = v;
        options.onProgress?.(++done, total);
      }
    }
    return { matrix: labelledMatrix(measure as string, 'distance', names, values), diagrams };
  }
  const custom = typeof measure === 'string' ? null : measure;
  const name = custom ? custom.name : (measure as string);
  const kind = measureKind(measure);
  const compute = custom ? custom.compute : similarityMeasures[name].compute;
  const valueOf = (X: Matrix, Y: Matrix) => {
    const v = compute(X, Y);
    return typeof v === 'number' ? v : v.value;
  };
  let done = 0;
  const total = pairs + n;
  for (let a = 0; a < n; a++) {
    // the diagonal is computed too: a similarity's self-value is not always 1 (debiased CKA)
    for (let b = a; b < n; b++) {
      const v = valueOf(clouds[a].points, clouds[b].points);
      values[a * n + b] = v;
      values[b * n + a] = v;
      options.onProgress?.(++done, total);
    }
  }
  return { matrix: labelledMatrix(name, kind, names, values) };
}
