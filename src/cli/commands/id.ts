/**
 * `topolens id <cloud> --method twonn|mle|phdim|lpca|pr`: intrinsic dimension of a point cloud
 * (docs/intrinsic-dimension.md).
 *
 * Input: any point-cloud file that `loadPointCloud` (src/data/load.ts) reads: .npy, .npz, .csv,
 * .tsv, .txt, .json, .safetensors.
 */
import { basename } from 'node:path';
import { invalidOption } from '../../core/errors.js';
import { printJSON } from '../output.js';
import { integerOption, numberOption, seedOption } from '../numbers.js';
import { checkOutputTargets, writeOutputs } from '../outputs.js';
import { loadPointCloud } from '../../data/load.js';
import { progressBar } from '../progress.js';
import { ID_METHODS as METHODS } from '../specs/id.js';
import {
  localPca,
  mle,
  participationRatio,
  phDim,
  twoNN,
  type IntrinsicDimensionResult,
} from '../../geometry/intrinsicDimension/index.js';

type Method = (typeof METHODS)[number];

/** The `id` command's options as commander parses them. */
export interface IdCommandOptions {
  method: string;
  k?: string;
  estimator: string;
  samples: string;
  seed: string;
  alpha: string;
  variant: string;
  blocks: string;
  rule: string;
  threshold: string;
  approximate?: boolean;
  pointwise?: string;
  json?: boolean;
}

/** Bounds of the numeric options (docs/cli.md, "Option bounds"). */
const MAX_K = 10000;
const MAX_SAMPLES = 1000;
const MAX_BLOCKS = 1000;
const MAX_ALPHA = 10;

export function runIdCommand(file: string, options: IdCommandOptions): IntrinsicDimensionResult {
  const method = options.method.toLowerCase() as Method;
  if (!METHODS.includes(method)) {
    throw invalidOption(`unknown method '${options.method}'.`, `Use one of ${METHODS.join(', ')}.`);
  }
  if (options.estimator !== 'm22' && options.estimator !== 'birdal') {
    throw invalidOption(`unknown --estimator '${options.estimator}'.`, 'Use m22 or birdal.');
  }
  const k =
    options.k === undefined
      ? undefined
      : integerOption(options.k, '--k', {
          min: 1,
          max: MAX_K,
          hint: `A neighbourhood of more than ${MAX_K} points is no longer local; use --method pr for a global estimate.`,
        });
  const seed = seedOption(options.seed);
  const blocks = integerOption(options.blocks, '--blocks', {
    min: 0,
    max: MAX_BLOCKS,
    hint: 'Each block count re-runs TwoNN on the whole cloud; 10-20 show the trend.',
  });
  const samples = integerOption(options.samples, '--samples', {
    min: 1,
    max: MAX_SAMPLES,
    hint: 'Each sample repeats the PH-dim computation; 5-10 give a spread.',
  });
  const alpha = numberOption(options.alpha, '--alpha', { min: Number.MIN_VALUE, max: MAX_ALPHA });
  const threshold = numberOption(options.threshold, '--threshold', { min: 1e-9, max: 1 });
  if (options.pointwise !== undefined)
    checkOutputTargets([{ path: options.pointwise, flag: '--pointwise' }]);
  const cloud = loadPointCloud(file);
  const name = basename(file);
  const bar = progressBar({ label: `id ${method}`, enabled: !options.json });
  const onProgress = (f: number): void => bar.update(f);
  const common = { name, onProgress, approximate: options.approximate ?? false };
  let result: IntrinsicDimensionResult;
  try {
    switch (method) {
      case 'twonn':
        result = twoNN(cloud, {
          ...common,
          variant: options.variant === 'mle' ? 'mle' : 'fit',
          blocks,
          seed,
        });
        break;
      case 'mle':
        result = mle(cloud, { ...common, k: k ?? 20 });
        break;
      case 'phdim':
        result = phDim(cloud, {
          name,
          onProgress,
          estimator: options.estimator as 'm22' | 'birdal',
          samples,
          alpha,
          seed,
        });
        break;
      case 'lpca':
        result = localPca(cloud, {
          ...common,
          k: k ?? 50,
          rule: options.rule as 'ratio' | 'fan' | 'fan-gap' | 'fo',
          threshold,
        });
        break;
      case 'pr':
        result = participationRatio(cloud, {
          ...common,
          pointwise: options.pointwise !== undefined,
          k: k ?? 50,
        });
        break;
    }
  } finally {
    bar.done();
  }
  if (options.pointwise !== undefined) {
    if (!result.pointwise) {
      throw invalidOption(
        `--pointwise: ${method} has no pointwise values.`,
        'Use mle, lpca or pr for pointwise values (TwoNN and PH-dim are global estimators).',
      );
    }
    const content =
      Array.from(result.pointwise, (v) => (Number.isNaN(v) ? 'nan' : String(v))).join('\n') + '\n';
    writeOutputs([{ path: options.pointwise, content, flag: '--pointwise' }]);
  }
  return result;
}

function summary(r: IntrinsicDimensionResult, cloud: string): string {
  const lines = [`${cloud}: ${r.method} intrinsic dimension ${r.estimate.toFixed(4)}`];
  const x = r as unknown as Record<string, unknown>;
  const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(4) : String(v));
  if (r.method === 'twoNN') {
    lines.push(
      `  fit ${fmt(x.fit)}, mle ${fmt(x.mle)}; used ${x.used} points, dropped ` +
        `${x.droppedDuplicates} duplicates and ${x.droppedTies} ties`,
    );
    for (const b of (x.blockAnalysis as {
      blocks: number;
      size: number;
      mean: number;
      std: number;
    }[]) ?? []) {
      lines.push(`  ${b.blocks} block(s) of ${b.size}: ${fmt(b.mean)} +- ${fmt(b.std)}`);
    }
  } else if (r.method === 'mle') {
    lines.push(
      `  k = ${x.k}; mean of pointwise ${fmt(x.meanOfPointwise)}; dropped ${x.droppedDuplicates} duplicates`,
    );
  } else if (r.method === 'phDim') {
    const band = x.band as { low: number; high: number };
    lines.push(
      `  ${x.estimator} sizes ${(x.sizes as number[]).join(', ')}; slope ${fmt(x.slope)}; ` +
        `95% band [${fmt(band.low)}, ${fmt(band.high)}]`,
    );
    if (x.repeatEstimates) {
      lines.push(`  over repeats: ${fmt(x.repeatMean)} +- ${fmt(x.repeatStd)}`);
    }
  } else if (r.method === 'localPca') {
    lines.push(`  rule ${x.rule}, k = ${x.k}; median ${fmt(x.median)}`);
  }
  return lines.join('\n');
}

/** The `id` command's action; its options: ../specs/id.ts. */
export function idCommand(file: string, options: IdCommandOptions): void {
  const result = runIdCommand(file, options);
  if (options.json) {
    const { pointwise: _pw, ...rest } = result;
    printJSON({ file: basename(file), ...rest });
  } else {
    process.stdout.write(summary(result, basename(file)) + '\n');
  }
}
