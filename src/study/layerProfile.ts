/**
 * Layer profile ([M22], [M23]; docs/studies.md#layer-profile): per chosen layer, on the common
 * depth axis (l + 1) / L, the H0 and H1 lifespan sums (class-local by default, [M22]'s `half`
 * convention, clouds min-max scaled per feature), PH-dim, TwoNN, MLE and a curvature summary,
 * with their spread over classes and over repeats (several networks, e.g. seeds, and several
 * random batches of at most K inputs per class).
 *
 * Every repeat (network x batch) draws its rows once and uses them for all layers, so the
 * layers of one repeat are compared on the same inputs.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import type { PersistenceDiagram } from '../core/diagram.js';
import { selectRows } from '../core/matrix.js';
import type { LayerCloud, NetworkClouds, StudyProgress } from './types.js';
import {
  checkDescriptors,
  cloudDescriptor,
  isHomologyDescriptor,
  type DescriptorName,
  type DescriptorOptions,
} from './descriptors.js';
import { sampleGroups, type RowGroup } from './sampling.js';
import { phDimSizes } from '../geometry/intrinsicDimension/phDim.js';
import { finiteMean, finiteStd, minMaxScaleCurve } from './summary.js';

export interface LayerProfileOptions extends DescriptorOptions {
  /** descriptors computed (default h0, h1, phDim, twoNN, mle: [M22]'s profile) */
  descriptors?: DescriptorName[];
  /**
   * where the lifespan sums are computed: 'class' (default, [M22]: per class, then averaged over
   * classes) or 'global' (on all sampled inputs together)
   */
  homologyScope?: 'class' | 'global';
  /** where the intrinsic dimensions and curvature are computed (default 'global') */
  dimensionScope?: 'class' | 'global';
  /** at most this many inputs per class (default 250, [M22]; [M23] used 300) */
  perClass?: number;
  /** at most this many inputs in a 'global' sample without labels (default: all) */
  maxPoints?: number;
  /** random batches drawn per network (default 1); descriptors are averaged over them */
  batches?: number;
  /** seed of the batch draws (default 0) */
  seed?: number;
  /** labels of the inputs, when the clouds carry none */
  labels?: ArrayLike<number>;
  onProgress?: StudyProgress;
  /**
   * Receives every persistence diagram the lifespan sums are computed from (layer index into
   * the result's layers, class label or null for a global cloud, repeat); default: none kept.
   */
  onDiagram?: (
    at: { layer: number; label: number | null; repeat: number },
    diagram: PersistenceDiagram,
  ) => void;
}

export interface LayerInfo {
  name: string;
  index: number;
  depth: number;
}

/** One descriptor across the layers; every array has one entry per layer. */
export interface DescriptorProfile {
  descriptor: DescriptorName;
  /** 'class' or 'global', as it was computed */
  scope: 'class' | 'global';
  /** mean over repeats of the (class-averaged) value */
  mean: number[];
  /** standard deviation over repeats (networks x batches); 0 with one repeat */
  repeatStd: number[];
  /** standard deviation over classes of the repeat-averaged class values; 0 for 'global' */
  classStd: number[];
  /** the band drawn around the curve: mean -/+ repeatStd */
  low: number[];
  high: number[];
  /** the mean curve min-max scaled to [0, 1] over layers, as [M22] plots descriptors */
  scaled: number[];
  /** per repeat (networks x batches, network-major), the class-averaged value per layer */
  repeats: number[][];
  /** per class label (scope 'class'), the repeat-averaged value per layer */
  perClass?: Record<string, number[]>;
}

export interface LayerProfileResult {
  study: 'layer-profile';
  networks: string[];
  batches: number;
  layers: LayerInfo[];
  /** inputs used per layer and repeat (after per-class sampling) */
  inputsUsed: number;
  profiles: DescriptorProfile[];
  /** notes on choices made for this data (e.g. the PH-dim schedule fallback) */
  notes: string[];
}

/** Accepts one network or a list (repeats: seeds, or networks of one architecture). */
export function networksOf(input: NetworkClouds | readonly NetworkClouds[]): NetworkClouds[] {
  const list = Array.isArray(input) ? [...input] : [input as NetworkClouds];
  if (list.length === 0) throw invalidInput('the study needs at least one network, got none.');
  const L = list[0].layers.length;
  if (L === 0) throw invalidInput(`network '${list[0].network}' has no layers.`);
  for (const net of list) {
    if (net.layers.length !== L) {
      throw invalidInput(
        `network '${net.network}' has ${net.layers.length} layers but '${list[0].network}' has ${L}.`,
        'Repeats of a profile must capture the same layers; profile different architectures with architectureComparison.',
      );
    }
    const n = net.layers[0].points.rows;
    for (const layer of net.layers) {
      if (layer.points.rows !== n) {
        throw invalidInput(
          `layer '${layer.name}' of '${net.network}' has ${layer.points.rows} points but '${net.layers[0].name}' has ${n}.`,
          'Capture every layer on the same inputs in the same order.',
        );
      }
    }
  }
  return list;
}

/** The labels of a network: the option's, else the first layer that carries some. */
export function labelsOf(
  layers: readonly LayerCloud[],
  given?: ArrayLike<number>,
): ArrayLike<number> | undefined {
  return given ?? layers.find((l) => l.labels)?.labels;
}

function check(options: LayerProfileOptions): void {
  const batches = options.batches ?? 1;
  if (!Number.isInteger(batches) || batches < 1) {
    throw invalidOption(`batches must be a positive integer, got ${batches}.`);
  }
  const perClass = options.perClass ?? 250;
  if (!Number.isInteger(perClass) || perClass < 2) {
    throw invalidOption(`perClass must be an integer >= 2, got ${perClass}.`, '[M22] uses 250.');
  }
}

export function layerProfile(
  input: NetworkClouds | readonly NetworkClouds[],
  options: LayerProfileOptions = {},
): LayerProfileResult {
  check(options);
  const networks = networksOf(input);
  const descriptors = checkDescriptors(
    options.descriptors ?? ['h0', 'h1', 'phDim', 'twoNN', 'mle'],
  );
  const batches = options.batches ?? 1;
  const seed = options.seed ?? 0;
  const homologyScope = options.homologyScope ?? 'class';
  const dimensionScope = options.dimensionScope ?? 'global';
  const L = networks[0].layers.length;
  const R = networks.length * batches;
  // values[d][repeat][layer] (class-averaged) and class values[d][label][repeat][layer]
  const values = descriptors.map(() => Array.from({ length: R }, () => new Array<number>(L)));
  const classValues = descriptors.map(() => new Map<number, number[][]>());
  const notes: string[] = [];
  let inputsUsed = 0;
  let smallestClass = Infinity;
  const total = R * L;
  let done = 0;
  networks.forEach((net, ni) => {
    const labels = labelsOf(net.layers, options.labels);
    const n = net.layers[0].points.rows;
    for (let b = 0; b < batches; b++) {
      const r = ni * batches + b;
      const batchSeed = seed + 1_000_003 * b;
      const needsClass = descriptors.some(
        (d) => (isHomologyDescriptor(d) ? homologyScope : dimensionScope) === 'class',
      );
      const classGroups = needsClass
        ? sampleGroups(n, {
            scope: 'class',
            labels,
            perClass: options.perClass ?? 250,
            seed: batchSeed,
            what: `network '${net.network}'`,
          })
        : null;
      const globalGroup: RowGroup[] = classGroups
        ? [{ label: null, rows: Int32Array.from(classGroups.flatMap((g) => [...g.rows])).sort() }]
        : sampleGroups(n, {
            scope: 'global',
            maxPoints: options.maxPoints,
            seed: batchSeed,
            what: `network '${net.network}'`,
          });
      inputsUsed = globalGroup[0].rows.length;
      for (const g of classGroups ?? []) smallestClass = Math.min(smallestClass, g.rows.length);
      net.layers.forEach((layer, l) => {
        descriptors.forEach((d, di) => {
          const scope = isHomologyDescriptor(d) ? homologyScope : dimensionScope;
          const groups = scope === 'class' ? classGroups! : globalGroup;
          const perGroup = groups.map((g) =>
            cloudDescriptor(
              selectRows(layer.points, g.rows),
              d,
              options,
              r,
              `layer '${layer.name}' of '${net.network}'${g.label === null ? '' : ` (class ${g.label})`}`,
              options.onDiagram
                ? (dg) => options.onDiagram!({ layer: l, label: g.label, repeat: r }, dg)
                : undefined,
            ),
          );
          values[di][r][l] = finiteMean(perGroup);
          if (scope === 'class') {
            groups.forEach((g, gi) => {
              const label = g.label!;
              let table = classValues[di].get(label);
              if (!table) {
                table = Array.from({ length: R }, () => new Array<number>(L).fill(NaN));
                classValues[di].set(label, table);
              }
              table[r][l] = perGroup[gi];
            });
          }
        });
        options.onProgress?.(++done, total, `${net.network} ${layer.name}`);
      });
    }
  });
  if (descriptors.includes('phDim') && !options.phDim?.sizes) {
    const estimator = options.phDim?.estimator ?? 'm22';
    const groups = dimensionScope === 'class' ? smallestClass : inputsUsed;
    if (phDimSizes(estimator, groups).length < 2) {
      notes.push(
        `PH-dim: clouds of ${groups} inputs are too few for the ${estimator} schedule; used 6 sizes from N/4 to N.`,
      );
    }
  }
  const profiles = descriptors.map((d, di) =>
    descriptorProfile(
      d,
      isHomologyDescriptor(d) ? homologyScope : dimensionScope,
      values[di],
      classValues[di],
      L,
    ),
  );
  const first = networks[0].layers;
  return {
    study: 'layer-profile',
    networks: networks.map((n) => n.network),
    batches,
    layers: first.map((l) => ({ name: l.name, index: l.index, depth: l.depth })),
    inputsUsed,
    profiles,
    notes,
  };
}

/** Summarises values[repeat][layer] and the class tables into a DescriptorProfile. */
export function descriptorProfile(
  descriptor: DescriptorName,
  scope: 'class' | 'global',
  repeats: number[][],
  classTables: Map<number, number[][]>,
  L: number,
): DescriptorProfile {
  const mean: number[] = [];
  const repeatStd: number[] = [];
  const classStd: number[] = [];
  const perClass: Record<string, number[]> = {};
  for (const [label, table] of classTables) {
    perClass[String(label)] = Array.from({ length: L }, (_, l) =>
      finiteMean(table.map((row) => row[l])),
    );
  }
  for (let l = 0; l < L; l++) {
    const col = repeats.map((row) => row[l]);
    mean.push(finiteMean(col));
    repeatStd.push(finiteStd(col));
    classStd.push(scope === 'class' ? finiteStd(Object.values(perClass).map((row) => row[l])) : 0);
  }
  const out: DescriptorProfile = {
    descriptor,
    scope,
    mean,
    repeatStd,
    classStd,
    low: mean.map((m, l) => m - repeatStd[l]),
    high: mean.map((m, l) => m + repeatStd[l]),
    scaled: minMaxScaleCurve(mean),
    repeats: repeats.map((row) => [...row]),
  };
  if (scope === 'class') out.perClass = perClass;
  return out;
}
