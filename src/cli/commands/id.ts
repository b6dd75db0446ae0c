/**
 * `topolens id <cloud> --method twonn|mle|phdim|lpca|pr`: intrinsic dimension of a point cloud
 * (METHODS.md section 3).
 *
 * Input: .npy (format 1-3, little-endian float32/float64, C order, 1-D or 2-D) or text (one point
 * per line, numbers separated by whitespace or commas, '#' comments, an optional non-numeric
 * header line). This minimal reader is private to this command until the shared
 * `loadPointCloudOrDistances` (src/data/load.ts) lands.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import type { Matrix } from '../../core/matrix.js';
import { TopolensError, invalidInput, invalidOption } from '../../core/errors.js';
import { printJSON, writeFileAtomic } from '../output.js';
import { progressBar } from '../progress.js';
import {
  localPca,
  mle,
  participationRatio,
  phDim,
  twoNN,
  type IntrinsicDimensionResult,
} from '../../geometry/intrinsicDimension/index.js';

const METHODS = ['twonn', 'mle', 'phdim', 'lpca', 'pr'] as const;
type Method = (typeof METHODS)[number];

interface IdCommandOptions {
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

/** Parses a .npy file (versions 1-3, '<f4' or '<f8', C order, 1-D or 2-D). */
export function parseNpy(bytes: Uint8Array, name: string): Matrix {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) {
    throw new TopolensError('parse-error', `${name} is not a .npy file (bad magic bytes).`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) {
    throw new TopolensError('parse-error', `${name}: cannot read the .npy header '${header}'.`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (fortran) {
    throw invalidInput(`${name} is in Fortran order.`, 'Save it with np.ascontiguousarray.');
  }
  if (descr !== '<f4' && descr !== '<f8') {
    throw invalidInput(
      `${name} has dtype '${descr}'; this command reads float32 ('<f4') or float64 ('<f8').`,
      'Convert with arr.astype(np.float32) before saving.',
    );
  }
  if (shape.length < 1 || shape.length > 2) {
    throw invalidInput(`${name} has shape (${shapeText}); expected (points, features).`);
  }
  const rows = shape[0];
  const cols = shape.length === 2 ? shape[1] : 1;
  const offset = start + headerLen;
  const width = descr === '<f4' ? 4 : 8;
  if (bytes.length - offset < rows * cols * width) {
    throw new TopolensError('parse-error', `${name} is truncated.`);
  }
  // copy into a fresh, aligned buffer (a Node Buffer's slice is a view into a shared pool)
  const copy = new Uint8Array(rows * cols * width);
  copy.set(bytes.subarray(offset, offset + rows * cols * width));
  const data =
    width === 4
      ? new Float32Array(copy.buffer, 0, rows * cols)
      : new Float64Array(copy.buffer, 0, rows * cols);
  return { data, rows, cols };
}

/** Parses whitespace- or comma-separated text, one point per line. */
export function parseTextCloud(text: string, name: string): Matrix<Float64Array> {
  const values: number[] = [];
  let cols = -1;
  let rows = 0;
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li].replace(/#.*/, '').trim();
    if (line === '') continue;
    const fields = line.split(/[\s,;]+/);
    const nums = fields.map(Number);
    const bad = fields.find((f) => Number.isNaN(Number(f)) && !/^nan$/i.test(f));
    if (bad !== undefined) {
      if (rows === 0 && cols === -1) continue; // header line
      throw new TopolensError(
        'parse-error',
        `${name}, line ${li + 1}: '${bad}' is not a number.`,
        'Each line must hold the coordinates of one point.',
      );
    }
    if (cols === -1) cols = nums.length;
    else if (nums.length !== cols) {
      throw new TopolensError(
        'parse-error',
        `${name}, line ${li + 1} has ${nums.length} values; the first point has ${cols}.`,
      );
    }
    for (const v of nums) values.push(v);
    rows++;
  }
  if (rows === 0) throw invalidInput(`${name} holds no points.`);
  return { data: Float64Array.from(values), rows, cols };
}

function readCloud(path: string): Matrix {
  const bytes = readFileSync(path);
  const name = basename(path);
  if (extname(path).toLowerCase() === '.npy') return parseNpy(bytes, name);
  return parseTextCloud(new TextDecoder().decode(bytes), name);
}

function int(value: string, what: string): number {
  const v = Number(value);
  if (!Number.isInteger(v)) throw invalidOption(`${what} must be an integer, got '${value}'.`);
  return v;
}

function num(value: string, what: string): number {
  const v = Number(value);
  if (!Number.isFinite(v)) throw invalidOption(`${what} must be a number, got '${value}'.`);
  return v;
}

export function runIdCommand(file: string, options: IdCommandOptions): IntrinsicDimensionResult {
  const method = options.method.toLowerCase() as Method;
  if (!METHODS.includes(method)) {
    throw invalidOption(`unknown method '${options.method}'.`, `Use one of ${METHODS.join(', ')}.`);
  }
  if (options.estimator !== 'm22' && options.estimator !== 'birdal') {
    throw invalidOption(`unknown --estimator '${options.estimator}'.`, 'Use m22 or birdal.');
  }
  const k = options.k === undefined ? undefined : int(options.k, '--k');
  const seed = int(options.seed, '--seed');
  const cloud = readCloud(file);
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
          blocks: int(options.blocks, '--blocks'),
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
          samples: int(options.samples, '--samples'),
          alpha: num(options.alpha, '--alpha'),
          seed,
        });
        break;
      case 'lpca':
        result = localPca(cloud, {
          ...common,
          k: k ?? 50,
          rule: options.rule as 'ratio' | 'fan' | 'fo',
          threshold: num(options.threshold, '--threshold'),
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
    writeFileAtomic(
      options.pointwise,
      Array.from(result.pointwise, (v) => (Number.isNaN(v) ? 'nan' : String(v))).join('\n') + '\n',
    );
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

export function registerIdCommand(program: Command): void {
  program
    .command('id')
    .description('intrinsic dimension of a point cloud (.npy or text, one point per line)')
    .argument('<cloud>', 'point cloud file: .npy (float32/float64) or whitespace/CSV text')
    .requiredOption('--method <method>', `estimator: ${METHODS.join(' | ')}`)
    .option('--k <k>', 'neighbours per point (mle: 20, lpca/pr pointwise: 50)')
    .option('--estimator <name>', 'PH-dim sample sizes: m22 | birdal', 'm22')
    .option('--samples <n>', 'PH-dim subsamples per size', '1')
    .option('--alpha <a>', 'PH-dim exponent of the edge lengths', '1')
    .option('--seed <seed>', 'random seed (PH-dim subsamples, TwoNN blocks)', '0')
    .option('--variant <v>', 'TwoNN: fit (Ansuini, default) | mle', 'fit')
    .option('--blocks <n>', 'TwoNN block analysis with 1..n blocks (0 = off)', '0')
    .option('--rule <rule>', 'lPCA: ratio | fan | fo', 'ratio')
    .option('--threshold <t>', 'lPCA ratio rule: explained-variance threshold', '0.95')
    .option('--approximate', 'approximate neighbours (NN-descent) for very large clouds')
    .option('--pointwise <file>', 'write the pointwise values, one per line (mle, lpca, pr)')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: IdCommandOptions) => {
      const result = runIdCommand(file, options);
      if (options.json) {
        const { pointwise: _pw, ...rest } = result;
        printJSON({ file: basename(file), ...rest });
      } else {
        process.stdout.write(summary(result, basename(file)) + '\n');
      }
    });
}
