/**
 * `topolens mapper cloud.npy [--out graph.json]`: a Mapper graph of a point cloud. Without
 * --out the graph goes to `<cloud name>.mapper.json` in the current folder (defaultMapperOut).
 *
 * Files (the cloud, labels, lens values) are read by `loadPointCloud` (src/data/load.ts): .npy,
 * .npz, .csv, .tsv, .txt, .json, .safetensors.
 */
import { invalidInput, invalidOption } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import {
  coordinateLens,
  densityLens,
  eccentricityLens,
  l2NormLens,
  valuesLens,
  type Lens,
} from '../../mapper/lenses.js';
import { pcaLens } from '../../mapper/pcaLens.js';
import { mapper } from '../../mapper/mapper.js';
import { mapperStability } from '../../mapper/stability.js';
import { toDOT, toGraphML } from '../../mapper/export.js';
import type { MapperGraph } from '../../mapper/graph.js';
import { printJSON, toJSONText } from '../output.js';
import { integerOption, roughly, seedOption } from '../numbers.js';
import { checkOutputTargets, writeOutputs, type OutputTarget } from '../outputs.js';
import { progressBar } from '../progress.js';
import { loadPointCloud } from '../../data/load.js';

/** Where the graph goes without --out: `<cloud file name without extension>.mapper.json` in
 * the current folder (`data/circle.npy` -> `circle.mapper.json`). */
export function defaultMapperOut(cloudPath: string): string {
  const base = cloudPath.replace(/\\/g, '/').split('/').pop() ?? 'cloud';
  const stem = base.replace(/\.[^.]*$/, '') || 'cloud';
  return `${stem}.mapper.json`;
}

/** Parses a .npy file's bytes (see the file comment for what is supported). */
export function readMatrixFile(path: string): Matrix {
  return loadPointCloud(path);
}

function readVector(path: string, what: string): Float64Array {
  const m = readMatrixFile(path);
  if (m.cols !== 1 && m.rows !== 1) {
    throw invalidInput(
      `${what} ${path}: expected one value per point, got a ${m.rows} x ${m.cols} array.`,
    );
  }
  return Float64Array.from(m.data);
}

function chooseLens(spec: string, cloud: Matrix, seed: number): Lens {
  if (spec === 'l2norm') return l2NormLens(cloud);
  if (spec === 'pca1' || spec === 'pca2')
    return pcaLens(cloud, { components: spec === 'pca1' ? 1 : 2, seed });
  if (spec === 'density') return densityLens(cloud, { seed });
  if (spec === 'eccentricity') return eccentricityLens(cloud);
  if (spec.startsWith('coordinate:')) return coordinateLens(cloud, Number(spec.slice(11)));
  if (spec.startsWith('values:')) {
    const file = spec.slice(7);
    const m = readMatrixFile(file);
    if (m.cols === 2) return valuesLens(m.data, cloud.rows, 2, `values:${file}`);
    return valuesLens(readVector(file, 'lens values'), cloud.rows, 1, `values:${file}`);
  }
  throw invalidOption(
    `unknown lens '${spec}'.`,
    'Use l2norm, pca1, pca2, coordinate:<i>, density, eccentricity or values:<file>.',
  );
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || Number.isNaN(v))
    throw invalidOption(`${name} must be a number, got '${value}'.`);
  return v;
}

/**
 * Most cover elements (intervals^lens dimensions) accepted: each is clustered on its own, so
 * beyond this the cover, not the data, sets the cost (docs/cli.md, "Option bounds").
 */
const MAX_COVER_ELEMENTS = 1e6;

/**
 * Most pairs the clustering may have to compare, summed over the cover elements: the worst case
 * of DBSCAN's pairwise scan, elements x (points per element)^2. An overlap near 1 puts nearly
 * every point into every element.
 */
const MAX_CLUSTERING_PAIRS = 1e12;

/** Refuses an overlap that makes each element hold (nearly) the whole cloud, many times over. */
function checkOverlapCost(
  intervals: number | undefined,
  overlap: number | undefined,
  lens: Lens,
  points: number,
): void {
  const n = intervals ?? 10;
  const p = overlap ?? 0.5;
  if (!(p >= 0 && p < 1)) return; // the cover reports it
  // points per element on a uniform lens: each interval covers 1 / (n (1 - p)) of the range
  const share = Math.min(1, 1 / (n * (1 - p))) ** lens.dims;
  const perElement = Math.min(points, Math.ceil(points * share));
  const pairs = n ** lens.dims * perElement ** 2;
  if (pairs > MAX_CLUSTERING_PAIRS) {
    throw invalidOption(
      `--overlap ${p} with ${n} intervals puts about ${roughly(perElement)} of the ${points} points into each of ${roughly(n ** lens.dims)} cover elements: up to ${roughly(pairs)} pairs to cluster, more than the ${roughly(MAX_CLUSTERING_PAIRS)} allowed.`,
      'Lower --overlap (0.5 is the default) or --intervals, or subsample the cloud.',
    );
  }
}

/** --intervals within bounds: at most one interval per point, at most MAX_COVER_ELEMENTS cells. */
function checkIntervals(
  intervals: number | undefined,
  lens: Lens,
  points: number,
  stability: boolean,
): number | undefined {
  if (intervals === undefined) return undefined;
  const n = integerOption(intervals, '--intervals', { min: 1 });
  const most = Math.max(1, Math.min(points, Math.floor(MAX_COVER_ELEMENTS ** (1 / lens.dims))));
  // --stability also builds the cover with n + 1 intervals
  const used = stability ? n + 1 : n;
  if (used > most) {
    throw invalidOption(
      `--intervals ${n} gives ${roughly(used ** lens.dims)} cover elements for a ${lens.dims}-D lens on ${points} points; more intervals than points leaves them nearly all empty, and beyond ${roughly(MAX_COVER_ELEMENTS)} elements the cover alone sets the cost.`,
      `Use at most --intervals ${Math.max(1, stability ? most - 1 : most)} here (KeplerMapper's default is 10).`,
    );
  }
  return n;
}

export interface MapperCommandOptions {
  labels?: string;
  lens: string;
  intervals: string;
  overlap: string;
  cover: string;
  clusterer: string;
  eps?: string;
  epsRule: string;
  epsQuantile?: string;
  epsFactor?: string;
  epsDimensionAdjust: boolean;
  minPoints: string;
  seed: string;
  out: string;
  graphml?: string;
  dot?: string;
  stability?: boolean;
  json?: boolean;
}

/** The files `mapper` writes: --out, and --graphml and --dot when given. */
function mapperTargets(opts: MapperCommandOptions): OutputTarget[] {
  const targets: OutputTarget[] = [{ path: opts.out, flag: '--out' }];
  if (opts.graphml) targets.push({ path: opts.graphml, flag: '--graphml' });
  if (opts.dot) targets.push({ path: opts.dot, flag: '--dot' });
  return targets;
}

export function runMapperCommand(cloudPath: string, opts: MapperCommandOptions): void {
  const targets = mapperTargets(opts);
  checkOutputTargets(targets);
  const cloud = readMatrixFile(cloudPath);
  const seed = opts.seed === undefined ? 0 : seedOption(opts.seed);
  let labels: number[] | undefined;
  if (opts.labels) {
    const v = readVector(opts.labels, 'labels');
    labels = Array.from(v);
    if (labels.length !== cloud.rows) {
      throw invalidInput(
        `labels: ${opts.labels} has ${labels.length} labels for the ${cloud.rows} points of ${cloudPath}.`,
        'Give one integer label per row of the cloud, in the same order.',
      );
    }
  }
  const cover = opts.cover;
  if (cover !== 'uniform' && cover !== 'balanced') {
    throw invalidOption(`unknown cover '${cover}'.`, 'Use uniform or balanced.');
  }
  const clusterer = opts.clusterer;
  if (clusterer !== 'dbscan' && clusterer !== 'single-linkage') {
    throw invalidOption(`unknown clusterer '${clusterer}'.`, 'Use dbscan or single-linkage.');
  }
  const epsRule = opts.epsRule;
  if (epsRule !== 'quantile' && epsRule !== 'knee') {
    throw invalidOption(`unknown eps rule '${epsRule}'.`, 'Use quantile (default) or knee.');
  }
  const bar = progressBar({ label: 'mapper', enabled: !opts.json });
  const lens = chooseLens(opts.lens, cloud, seed);
  const intervals = checkIntervals(
    numberOption(opts.intervals, '--intervals'),
    lens,
    cloud.rows,
    Boolean(opts.stability),
  );
  const overlap = numberOption(opts.overlap, '--overlap');
  checkOverlapCost(intervals, overlap, lens, cloud.rows);
  const options = {
    lens,
    labels,
    intervals,
    overlap,
    cover: cover as 'uniform' | 'balanced',
    clusterer: clusterer as 'dbscan' | 'single-linkage',
    eps: numberOption(opts.eps, '--eps'),
    epsRule: epsRule as 'quantile' | 'knee',
    epsQuantile: numberOption(opts.epsQuantile, '--eps-quantile'),
    epsFactor: numberOption(opts.epsFactor, '--eps-factor'),
    epsDimensionAdjust: opts.epsDimensionAdjust,
    minPoints:
      opts.minPoints === undefined
        ? undefined
        : integerOption(opts.minPoints, '--min-points', {
            min: 1,
            max: cloud.rows,
            hint: 'A cluster cannot need more points than the cloud has; 5 is the default.',
          }),
    seed,
    onProgress: (f: number, stage: string) => bar.update(f, stage),
  };
  let graph: MapperGraph;
  let stability: { score: number; neighbours: unknown[] } | undefined;
  if (opts.stability) {
    const s = mapperStability(cloud, options);
    graph = s.base;
    stability = { score: s.score, neighbours: s.neighbours };
  } else graph = mapper(cloud, options);
  bar.done();
  // all three files or none
  const contents: Record<string, () => string> = {
    '--out': () => toJSONText(stability ? { ...graph, stability } : graph),
    '--graphml': () => toGraphML(graph),
    '--dot': () => toDOT(graph),
  };
  writeOutputs(targets.map((t) => ({ ...t, content: contents[t.flag]() })));
  const s = graph.summary;
  const eps = graph.clusterer.eps;
  const result = {
    nodes: s.nodes,
    edges: s.edges,
    components: s.components,
    purity: s.purity,
    noiseAssignments: s.noiseAssignments,
    pointsInNoNode: s.pointsInNoNode,
    eps: eps ?? null,
    epsChoice: s.epsChoice,
    stability: stability?.score ?? null,
    out: opts.out,
  };
  if (opts.json) {
    printJSON(result);
    return;
  }
  const lines = [
    `Mapper graph of ${cloud.rows} points in R^${cloud.cols} (lens ${lens.name}, ${graph.cover.kind} cover ${graph.cover.intervals.join('x')} intervals, overlap ${graph.cover.overlap.join('x')}, ${graph.clusterer.name})`,
    `  nodes ${s.nodes}, edges ${s.edges}, components ${s.components}`,
    `  purity ${s.purity === null ? 'n/a (no labels)' : s.purity.toFixed(4)}`,
    `  noise dropped: ${s.noiseAssignments} point-in-interval assignments; ${s.pointsInNoNode} points in no node`,
  ];
  if (eps) {
    lines.push(
      `  eps ${eps.eps.toPrecision(6)}, min points ${graph.clusterer.minPoints}; eps: ${s.epsChoice}`,
    );
  }
  if (stability)
    lines.push(`  stability ${stability.score.toFixed(4)} (intervals +-1, overlap +-0.05)`);
  lines.push(`  wrote ${[opts.out, opts.graphml, opts.dot].filter(Boolean).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** The `mapper` command's action; its options: ../specs/mapper.ts. */
export function mapperCommand(
  cloud: string,
  opts: Omit<MapperCommandOptions, 'out'> & { out?: string },
): void {
  runMapperCommand(cloud, { ...opts, out: opts.out ?? defaultMapperOut(cloud) });
}
