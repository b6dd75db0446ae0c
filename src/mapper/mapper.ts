/**
 * The Mapper pipeline (Singh, Memoli, Carlsson 2007; docs/mapper.md): lens -> cover ->
 * clusters inside each cover element, in the full space -> nerve -> node statistics, measures
 * and a seeded layout. Each step is its own module; this file only wires them together.
 *
 * Determinism: the same cloud, lens and options (seed included) give the same graph, the same
 * node order and bit-identical layout coordinates; nothing depends on time or iteration order
 * of hash maps.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { assertFiniteMatrix } from '../core/validate.js';
import { buildCover, type CoverKind, type Cover } from './cover.js';
import { dbscanOnIndex } from './dbscan.js';
import { describeEps, epsFromCurve, validateEpsOptions, type EpsRule } from './chooseEps.js';
import { kDistanceCurve } from './kDistanceCurve.js';
import type { EpsChoice, MapperGraph, MapperNode } from './graph.js';
import { l2NormLens, type Lens } from './lenses.js';
import { fruchtermanReingold } from './layout.js';
import { graphComponents, weightedPurity } from './measures.js';
import { buildNerve } from './nerve.js';
import { buildNeighbourIndex, type NeighbourIndex } from './neighbourIndex.js';
import { singleLinkage } from './singleLinkage.js';

/**
 * Any clusterer: given the whole cloud and the rows of one cover element, a label per row
 * (same order), -1 for noise. Labels need not be contiguous.
 */
export type Clusterer = (points: Matrix, indices: Int32Array) => Int32Array;

export interface MapperOptions {
  /** The lens, default l2NormLens(cloud) ([P23]'s choice). */
  lens?: Lens;
  /** Intervals per lens dimension, default 10. */
  intervals?: number | number[];
  /** Overlap fraction in [0, 1), default 0.5. */
  overlap?: number | number[];
  /** 'uniform' (default, KeplerMapper's formulas) or 'balanced' (equal counts). */
  cover?: CoverKind;
  /** 'dbscan' (default), 'single-linkage' (gap rule) or your own function. */
  clusterer?: 'dbscan' | 'single-linkage' | Clusterer;
  /** DBSCAN eps; default: chosen from the sorted k-distance curve by `epsRule`. */
  eps?: number;
  /** DBSCAN min points (self included), default 5. */
  minPoints?: number;
  /**
   * How eps is chosen when not given: 'quantile' (default: `epsFactor` x the `epsQuantile`-
   * quantile of the k-distance curve) or 'knee' (Kneedle, median without a knee). ./chooseEps.ts
   */
  epsRule?: EpsRule;
  /** Quantile of the k-distance curve, default 0.75. */
  epsQuantile?: number;
  /** Multiple F of that quantile, default 4 (F^(3/d) when the local dimension d exceeds 3). */
  epsFactor?: number;
  /** Lower the multiple for local dimensions above 3, default true. */
  epsDimensionAdjust?: boolean;
  /** Points on the k-distance curve, default 1000. */
  epsSampleSize?: number;
  /** Old name of `epsSampleSize` (used when that is not given). */
  kneeSampleSize?: number;
  /** Kneedle threshold of the knee rule, default 0.1. */
  kneeThreshold?: number;
  /** Single linkage: smallest cluster kept, default 1. */
  minClusterSize?: number;
  /** Class label of every point: node class composition, purity. */
  labels?: ArrayLike<number>;
  /** User columns (one value per point), summarised per node by their mean. */
  columns?: Record<string, ArrayLike<number>>;
  /** Minimum shared points for an edge, default 1. */
  minIntersection?: number;
  /** Highest simplex dimension of the nerve, default 1 (graph only). */
  maxSimplexDimension?: number;
  /** Seed of everything random (knee sample, search groups, layout), default 0. */
  seed?: number;
  /** Force-layout rounds, default 300. */
  layoutIterations?: number;
  /** Progress in [0, 1] with the current stage. */
  onProgress?: (fraction: number, stage: string) => void;
}

/** Checks the options that do not need the data, with messages that say what to use. */
function validateOptions(cloud: Matrix, options: MapperOptions): void {
  if (cloud.rows < 1) {
    throw invalidInput('Mapper needs at least one point; the cloud is empty.');
  }
  assertFiniteMatrix(cloud, 'the point cloud');
  if (options.labels && options.labels.length !== cloud.rows) {
    throw invalidInput(
      `labels: got ${options.labels.length} labels for ${cloud.rows} points.`,
      'Give exactly one integer label per row of the cloud, in the same order.',
    );
  }
  if (options.labels) {
    for (let i = 0; i < options.labels.length; i++) {
      if (!Number.isInteger(options.labels[i])) {
        throw invalidInput(`labels: label ${i} is ${options.labels[i]}, not an integer.`);
      }
    }
  }
  for (const [name, col] of Object.entries(options.columns ?? {})) {
    if (col.length !== cloud.rows) {
      throw invalidInput(
        `column '${name}': got ${col.length} values for ${cloud.rows} points.`,
        'Give one value per point.',
      );
    }
  }
}

export function mapper(cloud: Matrix, options: MapperOptions = {}): MapperGraph {
  validateOptions(cloud, options);
  const progress = options.onProgress ?? (() => {});
  progress(0, 'lens');
  const lens = options.lens ?? l2NormLens(cloud);
  if (lens.values.length !== cloud.rows * lens.dims) {
    throw invalidInput(
      `lens: ${lens.values.length / lens.dims} values for ${cloud.rows} points.`,
      'Give one lens value per point.',
    );
  }
  const cover = buildCover(lens, {
    intervals: options.intervals,
    overlap: options.overlap,
    kind: options.cover,
  });
  return mapperOnCover(cloud, lens, cover, options);
}

/** The pipeline after the cover (shared with ./stability.ts). */
export function mapperOnCover(
  cloud: Matrix,
  lens: Lens,
  cover: Cover,
  options: MapperOptions,
): MapperGraph {
  const progress = options.onProgress ?? (() => {});
  const seed = options.seed ?? 0;
  const clusterer = options.clusterer ?? 'dbscan';
  const minPoints = options.minPoints ?? 5;
  const elements = cover.elements.filter((e) => e.members.length > 0);
  const labelsPerElement: Int32Array[] = [];
  let epsChoice: EpsChoice | undefined;
  const work = { pairDistances: 0, centreDistances: 0 };
  if (clusterer === 'dbscan') {
    if (!Number.isInteger(minPoints) || minPoints < 1) {
      throw invalidOption(`DBSCAN: min points must be an integer >= 1, got ${minPoints}.`);
    }
    if (options.eps !== undefined && !(options.eps >= 0 && Number.isFinite(options.eps))) {
      throw invalidOption(`DBSCAN: eps must be a finite number >= 0, got ${options.eps}.`);
    }
    const epsOptions = {
      rule: options.epsRule,
      quantile: options.epsQuantile,
      factor: options.epsFactor,
      dimensionAdjust: options.epsDimensionAdjust,
      kneeThreshold: options.kneeThreshold,
    };
    if (options.eps === undefined) validateEpsOptions(epsOptions);
    const indexes: NeighbourIndex[] = [];
    progress(0, 'neighbour index');
    elements.forEach((e, t) => {
      indexes.push(buildNeighbourIndex(cloud, e.members, { seed: seed + t }));
      progress((0.3 * (t + 1)) / elements.length, 'neighbour index');
    });
    if (options.eps !== undefined) {
      epsChoice = { eps: options.eps, method: 'given', description: 'given' };
    } else {
      progress(0.3, 'eps');
      const k = Math.max(1, minPoints - 1);
      const curve = kDistanceCurve(indexes, {
        k,
        sampleSize: options.epsSampleSize ?? options.kneeSampleSize,
        seed,
      });
      if (curve.sorted.length === 0) {
        throw invalidInput(
          `DBSCAN: no cover element has more than ${k} points, so eps cannot be chosen from the k-distance curve.`,
          'Give eps, use fewer intervals, or a smaller min points.',
        );
      }
      epsChoice = epsFromCurve(curve.sorted, k, { ...epsOptions, dimension: curve.dimension });
      epsChoice.description = describeEps(epsChoice);
    }
    progress(0.4, 'dbscan');
    indexes.forEach((ix, t) => {
      labelsPerElement.push(dbscanOnIndex(ix, { eps: epsChoice!.eps, minPoints }).labels);
      work.pairDistances += ix.work.pairs;
      work.centreDistances += ix.m * ix.groups;
      indexes[t] = undefined as unknown as NeighbourIndex; // free the element's copy
      progress(0.4 + (0.5 * (t + 1)) / elements.length, 'dbscan');
    });
  } else if (clusterer === 'single-linkage') {
    elements.forEach((e, t) => {
      labelsPerElement.push(
        singleLinkage(cloud, e.members, { minClusterSize: options.minClusterSize }).labels,
      );
      progress((0.9 * (t + 1)) / elements.length, 'single linkage');
    });
  } else if (typeof clusterer === 'function') {
    elements.forEach((e, t) => {
      const labels = clusterer(cloud, e.members);
      if (!labels || labels.length !== e.members.length) {
        throw invalidInput(
          `clusterer: returned ${labels?.length} labels for the ${e.members.length} points of cover element ${e.id}.`,
          'A clusterer returns one label per index it was given (-1 for noise).',
        );
      }
      for (let i = 0; i < labels.length; i++) {
        if (!Number.isInteger(labels[i]) || labels[i] < -1) {
          throw invalidInput(`clusterer: label ${labels[i]} is not an integer >= -1.`);
        }
      }
      labelsPerElement.push(Int32Array.from(labels));
      progress((0.9 * (t + 1)) / elements.length, 'clusterer');
    });
  } else {
    throw invalidOption(
      `unknown clusterer '${String(clusterer)}'.`,
      'Use dbscan, single-linkage or a function (points, indices) => labels.',
    );
  }
  // nodes: element order, then label order
  const nodeMembers: Int32Array[] = [];
  const nodeMeta: { element: number; grid: number[]; cluster: number }[] = [];
  let noiseAssignments = 0;
  elements.forEach((e, t) => {
    const labels = labelsPerElement[t];
    const byLabel = new Map<number, number[]>();
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      if (l < 0) {
        noiseAssignments++;
        continue;
      }
      let list = byLabel.get(l);
      if (!list) byLabel.set(l, (list = []));
      list.push(e.members[i]);
    }
    const keys = Array.from(byLabel.keys()).sort((a, b) => a - b);
    for (const l of keys) {
      nodeMembers.push(Int32Array.from(byLabel.get(l)!).sort());
      nodeMeta.push({ element: e.id, grid: e.grid, cluster: l });
    }
  });
  progress(0.92, 'nerve');
  const nerve = buildNerve(nodeMembers, cloud.rows, {
    minIntersection: options.minIntersection,
    maxSimplexDimension: options.maxSimplexDimension,
  });
  const comps = graphComponents(nodeMembers.length, nerve.edges);
  progress(0.95, 'layout');
  const layout = fruchtermanReingold(nodeMembers.length, nerve.edges, {
    seed,
    iterations: options.layoutIterations,
  });
  const nodes: MapperNode[] = nodeMembers.map((members, id) => {
    const meanLens = new Array(lens.dims).fill(0);
    for (const i of members)
      for (let a = 0; a < lens.dims; a++) meanLens[a] += lens.values[i * lens.dims + a];
    for (let a = 0; a < lens.dims; a++) meanLens[a] /= members.length;
    const node: MapperNode = {
      id,
      element: nodeMeta[id].element,
      grid: nodeMeta[id].grid.slice(),
      cluster: nodeMeta[id].cluster,
      members: Array.from(members),
      size: members.length,
      meanLens,
      component: comps.componentOf[id],
      x: layout.x[id],
      y: layout.y[id],
    };
    if (options.labels) {
      const counts = new Map<number, number>();
      for (const i of members)
        counts.set(options.labels[i], (counts.get(options.labels[i]) ?? 0) + 1);
      const classCounts: Record<string, number> = {};
      let top = 0;
      for (const c of Array.from(counts.keys()).sort((a, b) => a - b)) {
        classCounts[String(c)] = counts.get(c)!;
        top = Math.max(top, counts.get(c)!);
      }
      node.classCounts = classCounts;
      node.purity = top / members.length;
    }
    if (options.columns) {
      const cols: Record<string, number> = {};
      for (const name of Object.keys(options.columns).sort()) {
        const col = options.columns[name];
        let s = 0;
        for (const i of members) s += col[i];
        cols[name] = s / members.length;
      }
      node.columns = cols;
    }
    return node;
  });
  const covered = new Uint8Array(cloud.rows);
  for (const members of nodeMembers) for (const i of members) covered[i] = 1;
  let pointsCovered = 0;
  for (let i = 0; i < cloud.rows; i++) pointsCovered += covered[i];
  const mins: number[] = [];
  const maxs: number[] = [];
  for (let a = 0; a < lens.dims; a++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < cloud.rows; i++) {
      const v = lens.values[i * lens.dims + a];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    mins.push(lo);
    maxs.push(hi);
  }
  const graph: MapperGraph = {
    format: 'topolens-mapper',
    version: 1,
    points: cloud.rows,
    lens: { name: lens.name, dims: lens.dims, min: mins, max: maxs },
    cover: {
      kind: cover.kind,
      intervals: cover.intervals.slice(),
      overlap: cover.overlap.slice(),
      axes: cover.axes.map((ivs) => ivs.map((iv) => [iv.lower, iv.upper] as [number, number])),
    },
    clusterer:
      clusterer === 'dbscan'
        ? { name: 'dbscan', eps: epsChoice, minPoints, work }
        : { name: typeof clusterer === 'function' ? 'custom' : clusterer },
    parameters: {
      minIntersection: options.minIntersection ?? 1,
      maxSimplexDimension: options.maxSimplexDimension ?? 1,
      seed,
    },
    nodes,
    edges: nerve.edges.map(([source, target, weight]) => ({ source, target, weight })),
    simplices: nerve.simplices,
    summary: {
      nodes: nodes.length,
      edges: nerve.edges.length,
      components: comps.count,
      purity: null,
      noiseAssignments,
      pointsInNoNode: cloud.rows - pointsCovered,
      pointsCovered,
      eps: epsChoice ? epsChoice.eps : null,
      epsChoice: epsChoice ? (epsChoice.description ?? null) : null,
    },
  };
  graph.summary.purity = weightedPurity(graph);
  progress(1, 'done');
  return graph;
}
