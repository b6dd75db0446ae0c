/**
 * Adversarial study ([M22]; docs/studies.md#adversarial): for already-attacked inputs at each
 * eps (attacks run in topolens/nn, not here; eps = 0 is the clean set), the attack's success,
 * accuracy and macro-F1 against the true labels, and the per-layer descriptors of the attacked
 * inputs' clouds (layerProfile). The grouping of inputs into classes changes the answer, so it
 * is an explicit, required option:
 * - 'true': class-local descriptors over the true classes;
 * - 'predicted': over the classes the network predicts for the attacked inputs;
 * - 'global': all inputs together.
 * Across eps, the Spearman correlation of attack success (1 - accuracy) with each descriptor's
 * mean over layers tests [M22]'s claim: the more successful the attack, the simpler the topology
 * (lower lifespan sums), i.e. a negative correlation.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import { spearman } from '../linalg/correlation.js';
import type { LayerCloud, StudyProgress } from './types.js';
import { layerProfile, type DescriptorProfile, type LayerInfo } from './layerProfile.js';
import type { DescriptorName, DescriptorOptions } from './descriptors.js';
import { finiteMean } from './summary.js';

export interface AttackedClouds {
  /** attack strength (0: clean inputs) */
  eps: number;
  /** the attacked inputs' layer clouds, same inputs in the same order for every layer */
  layers: LayerCloud[];
  /** true class of each input */
  trueLabels: ArrayLike<number>;
  /** class the network predicts for each attacked input */
  predicted: ArrayLike<number>;
}

export interface AdversarialOptions extends DescriptorOptions {
  /** how inputs are grouped for class-local descriptors: required, it changes the answer */
  grouping: 'true' | 'predicted' | 'global';
  /** descriptors (default h0, h1: [M22]) */
  descriptors?: DescriptorName[];
  /** at most this many inputs per group (default 250, [M22]) */
  perClass?: number;
  /** seed of the per-class draw (default 0) */
  seed?: number;
  onProgress?: StudyProgress;
}

export interface AdversarialEpsResult {
  eps: number;
  /** share of attacked inputs still classified correctly */
  accuracy: number;
  /** macro-averaged F1 against the true labels (classes of either labelling; 0 where undefined) */
  macroF1: number;
  /** 1 - accuracy */
  attackSuccess: number;
  profiles: DescriptorProfile[];
}

export interface AdversarialResult {
  study: 'adversarial';
  grouping: 'true' | 'predicted' | 'global';
  layers: LayerInfo[];
  results: AdversarialEpsResult[];
  /** per descriptor: Spearman over eps of attack success against the layer-mean descriptor */
  trend: { descriptor: DescriptorName; spearman: number | null }[];
}

/** Macro-F1 as scikit-learn's f1_score(average='macro'), zero_division = 0. */
export function macroF1(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (trueLabels.length !== predicted.length) {
    throw invalidInput(
      `${trueLabels.length} true labels but ${predicted.length} predictions; give one of each per input.`,
    );
  }
  const classes = new Set<number>();
  for (let i = 0; i < trueLabels.length; i++) {
    classes.add(trueLabels[i]);
    classes.add(predicted[i]);
  }
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < trueLabels.length; i++) {
      const t = trueLabels[i] === c;
      const p = predicted[i] === c;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    const den = 2 * tp + fp + fn;
    sum += den === 0 ? 0 : (2 * tp) / den;
  }
  return classes.size === 0 ? NaN : sum / classes.size;
}

export function adversarialStudy(
  attacks: readonly AttackedClouds[],
  options: AdversarialOptions,
): AdversarialResult {
  const grouping = options?.grouping;
  if (grouping !== 'true' && grouping !== 'predicted' && grouping !== 'global') {
    throw invalidOption(
      `grouping must be given explicitly as 'true', 'predicted' or 'global', got '${String(grouping)}'.`,
      'It decides which inputs form a class cloud, and so changes the descriptors.',
    );
  }
  if (attacks.length === 0) throw invalidInput('the adversarial study needs at least one eps.');
  const descriptors = options.descriptors ?? ['h0', 'h1'];
  const total = attacks.length;
  const results = attacks.map((a, t): AdversarialEpsResult => {
    const n = a.layers[0]?.points.rows ?? 0;
    if (a.trueLabels.length !== n || a.predicted.length !== n) {
      throw invalidInput(
        `eps ${a.eps}: ${a.trueLabels.length} true labels and ${a.predicted.length} predictions for ${n} inputs.`,
      );
    }
    let correct = 0;
    for (let i = 0; i < n; i++) if (a.trueLabels[i] === a.predicted[i]) correct++;
    const scope = grouping === 'global' ? 'global' : 'class';
    const profile = layerProfile(
      { network: `eps=${a.eps}`, layers: a.layers },
      {
        ...options,
        descriptors,
        homologyScope: scope,
        dimensionScope: scope,
        labels: grouping === 'predicted' ? a.predicted : a.trueLabels,
        onProgress: undefined,
      },
    );
    options.onProgress?.(t + 1, total, `eps=${a.eps}`);
    const accuracy = n === 0 ? NaN : correct / n;
    return {
      eps: a.eps,
      accuracy,
      macroF1: macroF1(a.trueLabels, a.predicted),
      attackSuccess: 1 - accuracy,
      profiles: profile.profiles,
    };
  });
  const success = results.map((r) => r.attackSuccess);
  const trend = descriptors.map((d, di) => {
    const means = results.map((r) => finiteMean(r.profiles[di].mean));
    const s = results.length >= 3 ? spearman(success, means) : NaN;
    return { descriptor: d, spearman: Number.isFinite(s) ? s : null };
  });
  return {
    study: 'adversarial',
    grouping,
    layers: attacks[0].layers.map((l) => ({ name: l.name, index: l.index, depth: l.depth })),
    results,
    trend,
  };
}
