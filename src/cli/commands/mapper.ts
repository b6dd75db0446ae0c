/**
 * `topolens mapper cloud.npy --out graph.json`: a Mapper graph of a point cloud.
 *
 * File reading: until the shared reader (`loadPointCloudOrDistances` in src/data/load.ts) lands,
 * this command reads with a minimal private reader: .npy (format 1.0-3.0, little-endian
 * float32/float64/int8-64/uint8-32, C order, 1-D or 2-D) and text (CSV or whitespace separated,
 * one point per line, an optional non-numeric header line).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
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
import { printJSON, toJSONText, writeFileAtomic } from '../output.js';
import { progressBar } from '../progress.js';

/** Parses a .npy file's bytes (see the file comment for what is supported). */
export function parseNpy(bytes: Uint8Array, name: string): Matrix {
  const magic = String.fromCharCode(...bytes.subarray(0, 6));
  if (magic !== '\x93NUMPY') throw invalidInput(`${name}: not a .npy file (bad magic).`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    throw invalidInput(`${name}: cannot read the .npy header: ${header.trim()}`);
  }
  if (fortran === 'True') {
    throw invalidInput(
      `${name}: Fortran-ordered arrays are not supported.`,
      'Save with np.ascontiguousarray(x).',
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.length < 1 || shape.length > 2) {
    throw invalidInput(`${name}: expected a 1-D or 2-D array, got shape (${shapeText}).`);
  }
  const rows = shape[0];
  const cols = shape.length === 2 ? shape[1] : 1;
  const count = rows * cols;
  const offset = start + headerLen;
  const kinds: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '|i1': [1, (o) => view.getInt8(o)],
    '|u1': [1, (o) => view.getUint8(o)],
    '<i2': [2, (o) => view.getInt16(o, true)],
    '<u2': [2, (o) => view.getUint16(o, true)],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '<u4': [4, (o) => view.getUint32(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
  };
  const kind = kinds[descr];
  if (!kind) {
    throw invalidInput(
      `${name}: unsupported dtype '${descr}'.`,
      'Save as float32, float64 or a little-endian integer type.',
    );
  }
  const [size, get] = kind;
  if (bytes.length < offset + count * size) {
    throw invalidInput(`${name}: the file is shorter than its header says (shape ${shapeText}).`);
  }
  const data = descr === '<f4' ? new Float32Array(count) : new Float64Array(count);
  for (let k = 0; k < count; k++) data[k] = get(offset + k * size);
  return { data, rows, cols };
}

/** Parses CSV or whitespace-separated numbers, one row per line. */
export function parseTextMatrix(text: string, name: string): Matrix<Float64Array> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const rows: number[][] = [];
  lines.forEach((line, k) => {
    const fields = line.trim().split(/[\s,;]+/);
    const values = fields.map(Number);
    if (fields.some((f, t) => Number.isNaN(values[t]) && !/^nan$/i.test(f))) {
      if (k === 0) return; // a header line
      throw invalidInput(
        `${name}: line ${k + 1} is not a list of numbers: '${line.slice(0, 60)}'.`,
      );
    }
    rows.push(values);
  });
  const d = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r.length !== d) {
      throw invalidInput(`${name}: row ${i} has ${r.length} values, row 0 has ${d}.`);
    }
    data.set(r, i * d);
  });
  return { data, rows: rows.length, cols: d };
}

export function readMatrixFile(path: string): Matrix {
  const bytes = readFileSync(path);
  if (path.endsWith('.npy')) return parseNpy(new Uint8Array(bytes), path);
  return parseTextMatrix(bytes.toString('utf8'), path);
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

export interface MapperCommandOptions {
  labels?: string;
  lens: string;
  intervals: string;
  overlap: string;
  cover: string;
  clusterer: string;
  eps?: string;
  minPoints: string;
  seed: string;
  out: string;
  graphml?: string;
  dot?: string;
  stability?: boolean;
  json?: boolean;
}

export function runMapperCommand(cloudPath: string, opts: MapperCommandOptions): void {
  const cloud = readMatrixFile(cloudPath);
  const seed = numberOption(opts.seed, '--seed') ?? 0;
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
  const bar = progressBar({ label: 'mapper', enabled: !opts.json });
  const lens = chooseLens(opts.lens, cloud, seed);
  const options = {
    lens,
    labels,
    intervals: numberOption(opts.intervals, '--intervals'),
    overlap: numberOption(opts.overlap, '--overlap'),
    cover: cover as 'uniform' | 'balanced',
    clusterer: clusterer as 'dbscan' | 'single-linkage',
    eps: numberOption(opts.eps, '--eps'),
    minPoints: numberOption(opts.minPoints, '--min-points'),
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
  writeFileAtomic(opts.out, toJSONText(stability ? { ...graph, stability } : graph));
  if (opts.graphml) writeFileAtomic(opts.graphml, toGraphML(graph));
  if (opts.dot) writeFileAtomic(opts.dot, toDOT(graph));
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
      `  eps ${eps.eps.toPrecision(6)} (${eps.method}${eps.k !== undefined ? `, k = ${eps.k}, curve of ${eps.sampleSize} points` : ''}), min points ${graph.clusterer.minPoints}`,
    );
  }
  if (stability)
    lines.push(`  stability ${stability.score.toFixed(4)} (intervals +-1, overlap +-0.05)`);
  lines.push(`  wrote ${[opts.out, opts.graphml, opts.dot].filter(Boolean).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
}

export function registerMapper(program: Command): void {
  program
    .command('mapper')
    .description('Mapper graph of a point cloud (lens, cover, clustering per interval, nerve)')
    .argument('<cloud>', 'point cloud: .npy (N x D) or CSV/whitespace text, one point per line')
    .option('--labels <file>', 'class labels, one integer per point (.npy or text)')
    .option(
      '--lens <lens>',
      'l2norm | pca1 | pca2 | coordinate:<i> | density | eccentricity | values:<file>',
      'l2norm',
    )
    .option('--intervals <n>', 'intervals per lens dimension', '10')
    .option('--overlap <p>', 'overlap fraction in [0, 1)', '0.5')
    .option('--cover <kind>', 'uniform (KeplerMapper) | balanced (equal counts)', 'uniform')
    .option('--clusterer <name>', 'dbscan | single-linkage', 'dbscan')
    .option('--eps <x>', 'DBSCAN eps (default: knee of the k-distance curve)')
    .option('--min-points <n>', 'DBSCAN min points, self included', '5')
    .option('--seed <n>', 'seed of the knee sample, search groups and layout', '0')
    .option(
      '--stability',
      'also rebuild with intervals +-1 and overlap +-0.05 and score the similarity',
    )
    .requiredOption('--out <file>', 'graph JSON output')
    .option('--graphml <file>', 'also write GraphML')
    .option('--dot <file>', 'also write Graphviz DOT')
    .option('--json', 'print the summary as JSON')
    .action((cloud: string, opts: MapperCommandOptions) => runMapperCommand(cloud, opts));
}
