/**
 * Population comparison ([M22]'s spoofing study, generalised; docs/studies.md#population-comparison):
 * two populations of inputs (genuine and spoofed faces, clean and shifted data, ...) through the
 * same layers; per layer, a descriptor of each population's cloud and a permutation test of
 * their difference: the inputs of both are pooled and split again at random into groups of the
 * original sizes, the descriptor recomputed on each split (exact when the splits are few).
 * p-values are also given Holm-adjusted over all (layer, descriptor) tests.
 *
 * Statistics: any layer-profile descriptor ('h0' default, 'h1', 'phDim', 'twoNN', 'mle',
 * 'curvature'), as descriptor(A) - descriptor(B); and 'energy', the energy distance
 * 2 E|a - b| - E|a - a'| - E|b - b'| (Szekely and Rizzo), which also sees a shift of location
 * that leaves the topology unchanged. The clouds are min-max scaled per feature on the pooled
 * layer cloud (fitted once, so both populations share one scale).
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import { selectRows, type Matrix } from '../core/matrix.js';
import { permutationTestSplits, type Alternative } from '../stats/permutation.js';
import { holmAdjust } from '../stats/holm.js';
import type { LayerCloud, StudyProgress } from './types.js';
import {
  checkDescriptors,
  cloudDescriptor,
  type DescriptorName,
  type DescriptorOptions,
} from './descriptors.js';
import { minMaxScaleColumns, sampleGroups } from './sampling.js';
import type { LayerInfo } from './layerProfile.js';

export interface Population {
  name: string;
  /** the population's layer clouds (same layer names and order as the other population) */
  layers: LayerCloud[];
}

export type PopulationStatistic = DescriptorName | 'energy';

export interface PopulationComparisonOptions extends Omit<
  DescriptorOptions,
  'minMaxScale' | 'scaling'
> {
  /** statistics compared (default ['h0']) */
  statistics?: PopulationStatistic[];
  /** random splits per test (default 999; exact when C(nA + nB, nA) is not larger) */
  permutations?: number;
  /** 'two-sided' (default), 'greater' (A above B) or 'less' */
  alternative?: Alternative;
  /** at most this many inputs per population (default 500) */
  maxPoints?: number;
  /** min-max scale the pooled layer cloud per feature (default true) */
  minMaxScale?: boolean;
  /** seed of the draws and splits (default 0) */
  seed?: number;
  onProgress?: StudyProgress;
}

export interface PopulationTest {
  statistic: PopulationStatistic;
  /** the descriptor of each population ('energy': null) */
  valueA: number | null;
  valueB: number | null;
  /** descriptor(A) - descriptor(B), or the energy distance */
  observed: number;
  pValue: number;
  /** Holm-adjusted over every (layer, statistic) test of the study */
  pHolm: number;
  exact: boolean;
  permutations: number;
  nullMean: number;
  nullStd: number;
}

export interface PopulationLayerResult extends LayerInfo {
  tests: PopulationTest[];
}

export interface PopulationComparisonResult {
  study: 'population-comparison';
  populations: [string, string];
  inputsUsed: [number, number];
  alternative: Alternative;
  layers: PopulationLayerResult[];
}

/** Pairwise Euclidean distances of a cloud, n x n row-major. */
function distanceTable(X: Matrix): Float64Array {
  const { rows: n, cols: d, data } = X;
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) {
        const t = data[i * d + a] - data[j * d + a];
        s += t * t;
      }
      D[i * n + j] = D[j * n + i] = Math.sqrt(s);
    }
  }
  return D;
}

/** Energy distance of two index groups over a distance table of n points. */
export function energyDistance(D: Float64Array, n: number, A: Int32Array, B: Int32Array): number {
  const mean = (P: Int32Array, Q: Int32Array) => {
    let s = 0;
    for (const i of P) for (const j of Q) s += D[i * n + j];
    return s / (P.length * Q.length);
  };
  return 2 * mean(A, B) - mean(A, A) - mean(B, B);
}

export function populationComparison(
  populations: readonly [Population, Population],
  options: PopulationComparisonOptions = {},
): PopulationComparisonResult {
  if (populations.length !== 2) {
    throw invalidInput(
      `a population comparison takes exactly 2 populations, got ${populations.length}.`,
    );
  }
  const [pa, pb] = populations;
  const L = pa.layers.length;
  if (L === 0 || pb.layers.length !== L) {
    throw invalidInput(
      `populations '${pa.name}' and '${pb.name}' have ${L} and ${pb.layers.length} layers; they must pass through the same (>= 1) layers.`,
    );
  }
  pa.layers.forEach((l, i) => {
    if (pb.layers[i].name !== l.name || pb.layers[i].points.cols !== l.points.cols) {
      throw invalidInput(
        `layer ${i} is '${l.name}' (${l.points.cols} features) in '${pa.name}' but '${pb.layers[i].name}' (${pb.layers[i].points.cols}) in '${pb.name}'.`,
      );
    }
  });
  const statistics = options.statistics ?? ['h0'];
  if (statistics.length === 0) throw invalidOption('statistics: give at least one.');
  const descriptorStats = statistics.filter((s) => s !== 'energy');
  if (descriptorStats.length > 0) checkDescriptors(descriptorStats);
  const seed = options.seed ?? 0;
  const draw = (p: Population, offset: number) =>
    sampleGroups(p.layers[0].points.rows, {
      scope: 'global',
      maxPoints: options.maxPoints ?? 500,
      seed: seed + offset,
      what: `population '${p.name}'`,
    })[0].rows;
  const rowsA = draw(pa, 0);
  const rowsB = draw(pb, 7777);
  const nA = rowsA.length;
  const nB = rowsB.length;
  if (nA < 2 || nB < 2) {
    throw invalidInput(`each population needs at least 2 inputs, got ${nA} and ${nB}.`);
  }
  const total = L * statistics.length;
  let done = 0;
  const layers = pa.layers.map((layerA, l): PopulationLayerResult => {
    const layerB = pb.layers[l];
    const A = selectRows(layerA.points, rowsA);
    const B = selectRows(layerB.points, rowsB);
    const pooledRaw: Matrix = {
      data: (() => {
        const d = new Float64Array((nA + nB) * A.cols);
        d.set(A.data, 0);
        d.set(B.data, A.data.length);
        return d;
      })(),
      rows: nA + nB,
      cols: A.cols,
    };
    const pooled = (options.minMaxScale ?? true) ? minMaxScaleColumns(pooledRaw) : pooledRaw;
    let D: Float64Array | undefined;
    const tests = statistics.map((stat, si): PopulationTest => {
      const descriptorOf = (idx: Int32Array) =>
        cloudDescriptor(
          selectRows(pooled, idx),
          stat as DescriptorName,
          { ...options, minMaxScale: false },
          0,
          `layer '${layerA.name}'`,
        );
      const fn =
        stat === 'energy'
          ? (P: Int32Array, Q: Int32Array) =>
              energyDistance((D ??= distanceTable(pooled)), nA + nB, P, Q)
          : (P: Int32Array, Q: Int32Array) => descriptorOf(P) - descriptorOf(Q);
      const res = permutationTestSplits(nA, nB, fn, {
        permutations: options.permutations ?? 999,
        alternative: options.alternative,
        seed: seed + 104729 * (l * statistics.length + si),
      });
      options.onProgress?.(++done, total, `${layerA.name} ${stat}`);
      const a0 = Int32Array.from({ length: nA }, (_, i) => i);
      const b0 = Int32Array.from({ length: nB }, (_, i) => nA + i);
      return {
        statistic: stat,
        valueA: stat === 'energy' ? null : descriptorOf(a0),
        valueB: stat === 'energy' ? null : descriptorOf(b0),
        observed: res.statistic,
        pValue: res.pValue,
        pHolm: NaN,
        exact: res.exact,
        permutations: res.permutations,
        nullMean: res.nullMean,
        nullStd: res.nullStd,
      };
    });
    return { name: layerA.name, index: layerA.index, depth: layerA.depth, tests };
  });
  const all = layers.flatMap((l) => l.tests);
  holmAdjust(all.map((t) => t.pValue)).forEach((p, i) => (all[i].pHolm = p));
  return {
    study: 'population-comparison',
    populations: [pa.name, pb.name],
    inputsUsed: [nA, nB],
    alternative: options.alternative ?? 'two-sided',
    layers,
  };
}
