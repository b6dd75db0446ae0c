/**
 * `topolens ph <file>`: Vietoris-Rips persistent homology of a point cloud or distance matrix
 * read from a file (formats in docs/io.md), with a short summary, or the whole result as JSON.
 */
import { basename } from 'node:path';
import { totalmem } from 'node:os';
import { diagramsToJSON, type PersistenceDiagram } from '../../core/diagram.js';
import { isCondensedDistances, isSparseDistances } from '../../core/distances.js';
import { invalidOption } from '../../core/errors.js';
import { isPrime } from '../../core/validate.js';
import type { Matrix } from '../../core/matrix.js';
import { assertInputFormat, type LoadedInput } from '../../data/input.js';
import { formatFromExtension, loadPointCloudOrDistances } from '../../data/load.js';
import { diagramFormatFromPath, formatDiagrams } from '../../homology/diagramFormats.js';
import {
  RipsMemoryError,
  ripsPersistence,
  type RipsOptions,
  type RipsResult,
} from '../../homology/rips.js';
import { pairwiseDistances, type Metric } from '../../linalg/distances.js';
import { printJSON } from '../output.js';
import { integerOption } from '../numbers.js';
import { checkOutputTargets, writeOutputs } from '../outputs.js';
import { progressBar } from '../progress.js';
import { diagramSummary } from '../../homology/summary.js';
// registers the worker-thread driver, which --threads (default: every core) uses
import '../../run/ripsThreads.js';
import { DEFAULT_MEMORY_SHARE } from '../specs/ph.js';

const METRICS = ['euclidean', 'cosine', 'correlation'] as const;
const COLLAPSE = ['auto', 'on', 'off'] as const;
/** Largest --maxdim accepted (docs/cli.md, "Option bounds"). */
const MAX_CLI_DIMENSION = 16;
/** Largest --coeff: the largest prime below 2^16, as the engine. */
const MAX_COEFFICIENT = 65521;
/** Bars listed per dimension in the summary. */
const TOP_BARS = 5;

/** The `ph` command's options as commander parses them (../specs/ph.ts). */
export interface PhFlags {
  maxdim: string;
  threshold?: string;
  coeff: string;
  format?: string;
  array?: string;
  metric: string;
  collapse: string;
  cocycles?: boolean;
  out?: string;
  json?: boolean;
  summary?: boolean;
  memoryLimit?: string;
  threads?: string;
}

export interface PhSettings {
  file: string;
  format: string;
  array?: string;
  metric: Metric;
  maxDimension: number;
  threshold?: number;
  coefficient: number;
  collapse: 'auto' | boolean;
  cocycles: boolean;
  out?: string;
  json: boolean;
  /** print the descriptors of each diagram (lifespan sums, entropy, ...) */
  descriptors: boolean;
  /** the memory guard's limit in bytes, and how it was given (for messages) */
  memoryLimitBytes: number;
  memoryLimitText: string;
  /** threads for the computation; undefined: 'auto' (ripsPersistence's default) */
  threads?: number;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
  t: 1e12,
  tb: 1e12,
  tib: 2 ** 40,
};

/**
 * --memory-limit: a size (8GiB, 500MB, 2e9 bytes) or a share of the machine's memory (75%).
 * Exported for tests.
 */
export function parseMemoryLimit(text: string, machineBytes = totalmem()): number {
  const t = text.trim().toLowerCase();
  const share = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (share) {
    const p = Number(share[1]);
    if (p > 0 && p <= 100) return Math.floor((machineBytes * p) / 100);
  } else {
    const size = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)$/.exec(t);
    if (size && UNITS[size[2]] !== undefined) {
      const bytes = Math.floor(Number(size[1]) * UNITS[size[2]]);
      if (bytes > 0) return bytes;
    }
  }
  throw invalidOption(
    `--memory-limit must be a size such as 8GiB, 512MiB or 2e9, or a share of this machine's memory such as 75%, got '${text}'.`,
  );
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidOption(`${flag} must be one of ${allowed.join(', ')}, got '${value}'.`);
  }
  return value as T;
}

/** Checks every flag before any work, so that bad options fail fast and write nothing. */
export function resolvePhSettings(file: string, f: PhFlags): PhSettings {
  const maxDimension = integerOption(f.maxdim, '--maxdim', {
    min: 0,
    max: MAX_CLI_DIMENSION,
    hint: `Use 1 for H0 and H1, 2 to add H2; beyond ${MAX_CLI_DIMENSION} the simplex count of any useful cloud passes what can be indexed.`,
  });
  let threshold: number | undefined;
  if (f.threshold !== undefined) {
    threshold = Number(f.threshold);
    if (f.threshold.trim() === '' || Number.isNaN(threshold) || threshold < 0) {
      throw invalidOption(`--threshold must be a non-negative number, got '${f.threshold}'.`);
    }
  }
  const coefficient = Number(f.coeff);
  if (!/^\d+$/.test(f.coeff) || coefficient > MAX_COEFFICIENT || !isPrime(coefficient)) {
    throw invalidOption(
      `--coeff must be a prime (coefficients in Z/p) up to ${MAX_COEFFICIENT}, got '${f.coeff}'.`,
      'Use 2 (default), 3, 5, 7, ...',
    );
  }
  const memoryLimitText = f.memoryLimit ?? DEFAULT_MEMORY_SHARE;
  const memoryLimitBytes = parseMemoryLimit(memoryLimitText);
  const format = f.format ? assertInputFormat(f.format) : formatFromExtension(file);
  const metric = oneOf(f.metric, METRICS, '--metric');
  const collapseFlag = oneOf(f.collapse, COLLAPSE, '--collapse');
  if (f.out !== undefined) diagramFormatFromPath(f.out);
  const threads =
    f.threads === undefined || f.threads === 'auto'
      ? undefined
      : integerOption(f.threads, '--threads', {
          min: 1,
          hint: "Leave it out (or give 'auto') for every core where threads pay, or give the number of threads.",
        });
  return {
    threads,
    file,
    format,
    array: f.array,
    metric,
    maxDimension,
    threshold,
    coefficient,
    collapse: collapseFlag === 'auto' ? 'auto' : collapseFlag === 'on',
    cocycles: Boolean(f.cocycles),
    out: f.out,
    json: Boolean(f.json),
    descriptors: Boolean(f.summary),
    memoryLimitBytes,
    memoryLimitText,
  };
}

export interface InputDescription {
  kind: 'point-cloud' | 'distance-matrix' | 'sparse-distances';
  points: number;
  /** ambient dimension of a point cloud */
  dimension?: number;
  /** edges of a sparse input */
  edges?: number;
}

export function describeInput(input: LoadedInput): InputDescription {
  if (isSparseDistances(input))
    return { kind: 'sparse-distances', points: input.n, edges: input.values.length };
  if (isCondensedDistances(input)) return { kind: 'distance-matrix', points: input.n };
  const m = input as Matrix;
  return { kind: 'point-cloud', points: m.rows, dimension: m.cols };
}

export interface DimensionSummary {
  dimension: number;
  finite: number;
  infinite: number;
  /** The most persistent bars, longest first (infinite first), as [birth, death|null]. */
  mostPersistent: [number, number | null][];
}

export function summarizeDiagrams(
  diagrams: PersistenceDiagram[],
  top = TOP_BARS,
): DimensionSummary[] {
  return diagrams.map((d) => {
    const order = Array.from(d.births.keys()).sort(
      (a, b) =>
        d.deaths[b] - d.births[b] - (d.deaths[a] - d.births[a]) || d.births[a] - d.births[b],
    );
    let infinite = 0;
    for (const x of d.deaths) if (x === Infinity) infinite++;
    return {
      dimension: d.dimension,
      finite: d.births.length - infinite,
      infinite,
      mostPersistent: order
        .slice(0, top)
        .map(
          (k) =>
            [d.births[k], Number.isFinite(d.deaths[k]) ? d.deaths[k] : null] as [
              number,
              number | null,
            ],
        ),
    };
  });
}

function fmt(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3
    ? x.toExponential(3)
    : String(Number(x.toPrecision(4)));
}

function describeText(d: InputDescription, s: PhSettings): string {
  const file = basename(s.file);
  if (d.kind === 'point-cloud') {
    return `point cloud, ${d.points} point${d.points === 1 ? '' : 's'} in dimension ${d.dimension} (${file}, ${s.format}, ${s.metric} distance)`;
  }
  if (d.kind === 'distance-matrix')
    return `distance matrix on ${d.points} points (${file}, ${s.format})`;
  return `sparse distances on ${d.points} points, ${d.edges} edges (${file}, ${s.format})`;
}

/** A --memory-limit 10% above the estimate, in MiB below 1 GiB, else in GiB. */
function suggestedLimit(estimate: number): string {
  const want = estimate * 1.1;
  return want < 2 ** 30 ? `${Math.ceil(want / 2 ** 20)}MiB` : `${Math.ceil(want / 2 ** 30)}GiB`;
}

/** The guard's refusal in the CLI's words: what the run needs and the flags that change it. */
function memoryRefusal(err: RipsMemoryError, s: PhSettings): RipsMemoryError {
  const machine = totalmem();
  const ways = [
    err.estimateBytes <= machine
      ? `--memory-limit ${err.part ? 'well above ' : ''}${suggestedLimit(err.estimateBytes)} (this machine has ${gib(machine)})`
      : `a machine with more than ${gib(err.estimateBytes)} of memory (this one has ${gib(machine)}) and --memory-limit`,
    s.threshold === undefined ? 'a --threshold below the enclosing radius' : 'a lower --threshold',
  ];
  if (s.maxDimension > 0) ways.push(`--maxdim ${s.maxDimension - 1}`);
  ways.push('fewer points (subsample, e.g. farthest-point sampling)');
  return new RipsMemoryError(
    err.estimateBytes,
    err.limitBytes,
    err.points,
    err.maxDimension,
    err.part,
    `The limit is --memory-limit ${s.memoryLimitText}. Ways out: ${ways.join('; ')}.`,
  );
}

export function runPh(s: PhSettings): void {
  const t0 = performance.now();
  if (s.out) checkOutputTargets([{ path: s.out, flag: '--out' }]);
  const loaded = loadPointCloudOrDistances(s.file, { format: s.format, array: s.array });
  const description = describeInput(loaded);
  if (s.metric !== 'euclidean' && description.kind !== 'point-cloud') {
    throw invalidOption(
      `--metric ${s.metric} applies to point clouds; ${basename(s.file)} is already a distance matrix.`,
    );
  }
  const input: LoadedInput =
    s.metric === 'euclidean' || description.kind !== 'point-cloud'
      ? loaded
      : pairwiseDistances(loaded as Matrix, { metric: s.metric });
  const t1 = performance.now();
  const bar = progressBar({ label: 'ph', enabled: !s.json });
  const options: RipsOptions = {
    maxDimension: s.maxDimension,
    threshold: s.threshold,
    coefficient: s.coefficient,
    cocycles: s.cocycles,
    collapse: s.collapse,
    maxMemoryBytes: s.memoryLimitBytes,
    threads: s.threads,
    onProgress: (fraction, stage) => bar.update(fraction, stage),
  };
  let result: RipsResult;
  try {
    result = ripsPersistence(input, options);
  } catch (err) {
    throw err instanceof RipsMemoryError ? memoryRefusal(err, s) : err;
  } finally {
    bar.done();
  }
  const t2 = performance.now();
  if (s.out) {
    const content = formatDiagrams(result.diagrams, diagramFormatFromPath(s.out));
    writeOutputs([{ path: s.out, content, flag: '--out' }]);
  }
  const t3 = performance.now();
  const summary = summarizeDiagrams(result.diagrams);
  const peakMemoryBytes = process.resourceUsage().maxRSS * 1024;
  const timings = { readMs: t1 - t0, computeMs: t2 - t1, writeMs: t3 - t2, totalMs: t3 - t0 };
  if (s.json) {
    printJSON({
      input: { file: s.file, format: s.format, metric: s.metric, ...description },
      options: {
        maxDimension: s.maxDimension,
        threshold: s.threshold ?? null,
        coefficient: s.coefficient,
        collapse: s.collapse,
        cocycles: s.cocycles,
        threads: s.threads ?? 'auto',
      },
      threads: result.threads,
      threshold: result.threshold,
      enclosingRadius: result.enclosingRadius,
      coefficient: result.coefficient,
      maxDimension: result.maxDimension,
      summary,
      ...(s.descriptors ? { descriptors: diagramSummary(result.diagrams) } : {}),
      diagrams: diagramsToJSON(result.diagrams),
      stats: result.stats,
      timings,
      peakMemoryBytes,
      out: s.out ?? null,
    });
    return;
  }
  const lines: string[] = [];
  lines.push(`input:      ${describeText(description, s)}`);
  const thr =
    s.threshold === undefined
      ? `${fmt(result.threshold)} (enclosing radius)`
      : `${fmt(result.threshold)}${result.threshold < s.threshold ? ` (the enclosing radius, below --threshold ${s.threshold})` : ''}`;
  lines.push(`threshold:  ${thr}`);
  lines.push(
    `homology:   dimensions 0..${result.maxDimension}, coefficients Z/${result.coefficient}`,
  );
  const c = result.stats.collapse;
  lines.push(
    c.applied
      ? `collapse:   ${c.inputEdges} edges -> ${c.keptEdges} (${c.reason})`
      : `collapse:   not applied (${c.reason})`,
  );
  lines.push(`threads:    ${threadsText(result.threads, s.threads)}`);
  for (const d of summary) {
    lines.push(
      `H${d.dimension}: ${d.finite} finite bar${d.finite === 1 ? '' : 's'}, ${d.infinite} infinite`,
    );
    if (d.mostPersistent.length > 0) {
      const bars = d.mostPersistent.map(([b, e]) =>
        e === null ? `[${fmt(b)}, inf)` : `[${fmt(b)}, ${fmt(e)}) (${fmt(e - b)})`,
      );
      lines.push(`    most persistent: ${bars.join('  ')}`);
    }
  }
  if (s.descriptors) {
    lines.push('descriptors (finite bars; mean lifespan divides by all bars, as [M22]):');
    lines.push('    dim  lifespan sum  mean lifespan  entropy  max persistence');
    for (const r of diagramSummary(result.diagrams)) {
      lines.push(
        `    H${r.dimension}   ${fmt(r.lifespanSum).padStart(12)}  ${fmt(r.meanLifespan).padStart(13)}  ${fmt(r.entropy).padStart(7)}  ${fmt(r.maxPersistence).padStart(15)}`,
      );
    }
  }
  lines.push(
    `time:       ${(timings.totalMs / 1000).toFixed(2)} s (read ${(timings.readMs / 1000).toFixed(2)} s, compute ${(timings.computeMs / 1000).toFixed(2)} s), peak memory ${(peakMemoryBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  if (s.out) lines.push(`wrote:      ${s.out}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** The `ph` command's action (its options: ../specs/ph.ts). */
export function phCommand(file: string, flags: PhFlags): void {
  runPh(resolvePhSettings(file, flags));
}

/** The summary's threads line: how many, for which dimensions, and why. */
function threadsText(t: RipsResult['threads'], asked: number | undefined): string {
  const how = asked === undefined ? "'auto'" : `--threads ${asked}`;
  const collapse = t.collapse > 1 ? `, the edge collapse on ${t.collapse}` : '';
  if (t.count > 1) {
    return `${t.count} for dimensions ${t.fromDimension} and up (${how}; lower ones on one thread)${collapse}`;
  }
  return asked === undefined
    ? `1 (${how}: every core for dimensions ${t.fromDimension} and up, none here)${collapse}`
    : `1 (${how})${collapse}`;
}
