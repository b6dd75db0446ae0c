/**
 * Mapper study ([P23]; docs/studies.md#mapper-study): the Mapper graph of chosen layers of one
 * network (l2-norm lens, 10 intervals, 50% overlap, DBSCAN with eps from the knee: the mapper
 * module's defaults, [P23]'s), its nodes coloured by class, and where classes branch apart:
 * - within a layer, for each pair of classes, the lens position up to which (and from which)
 *   they still share a node (`sharedUntil`, `sharedFrom`, classSeparation);
 * - across layers, the depth from which a pair never shares a node again in any later chosen
 *   layer (`branchDepth`; null when the classes still share a node at the last layer).
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { selectRows } from '../core/matrix.js';
import { mapper, type MapperOptions } from '../mapper/mapper.js';
import { l2NormLens, type Lens } from '../mapper/lenses.js';
import { classSeparation } from '../mapper/measures.js';
import type { MapperGraph } from '../mapper/graph.js';
import type { NetworkClouds, StudyProgress } from './types.js';
import { labelsOf } from './layerProfile.js';
import { rowsByClass, sampleGroups } from './sampling.js';

export interface MapperStudyOptions {
  /** layer names to map (default: every layer) */
  layers?: string[];
  /** the lens of a layer cloud (default: the l2 norm of each point, [P23]) */
  lens?: (cloud: Matrix) => Lens;
  /** Mapper options (cover, clusterer, seed ...); labels and lens are set by the study */
  mapper?: Omit<MapperOptions, 'labels' | 'lens' | 'onProgress'>;
  /** at most this many inputs, drawn once for all layers (default: all) */
  maxPoints?: number;
  /** seed of that draw (default 0) */
  seed?: number;
  /** labels of the inputs, when the clouds carry none */
  labels?: ArrayLike<number>;
  onProgress?: StudyProgress;
}

export interface ClassPairSeparation {
  classes: [number, number];
  /** nodes holding members of both classes */
  sharedNodes: number;
  /** lens value up to which the classes share a node (null: they share none) */
  sharedUntil: number | null;
  /** lens value from which they share a node (null: they share none) */
  sharedFrom: number | null;
}

export interface MapperLayerResult {
  layer: string;
  index: number;
  depth: number;
  graph: MapperGraph;
  nodes: number;
  edges: number;
  components: number;
  /** size-weighted mean node purity */
  purity: number | null;
  pairs: ClassPairSeparation[];
  /** share of class pairs that share no node */
  separatedShare: number;
}

export interface MapperStudyResult {
  study: 'mapper';
  network: string;
  classes: number[];
  inputsUsed: number;
  layers: MapperLayerResult[];
  /** per class pair: the depth (and layer) from which they never share a node again */
  branching: {
    classes: [number, number];
    branchDepth: number | null;
    branchLayer: string | null;
  }[];
}

export function mapperStudy(
  input: NetworkClouds,
  options: MapperStudyOptions = {},
): MapperStudyResult {
  const all = input.layers;
  if (all.length === 0) throw invalidInput(`network '${input.network}' has no layers.`);
  const chosen = options.layers
    ? options.layers.map((name) => {
        const layer = all.find((l) => l.name === name);
        if (!layer) {
          throw invalidOption(
            `no layer named '${name}' in '${input.network}'.`,
            `Choose among ${all.map((l) => l.name).join(', ')}.`,
          );
        }
        return layer;
      })
    : [...all];
  chosen.sort((a, b) => a.depth - b.depth);
  const labelsAll = labelsOf(all, options.labels);
  if (!labelsAll) {
    throw invalidInput(
      `the Mapper study colours nodes by class, and network '${input.network}' has no labels.`,
      'Give labels with the clouds or in the options.',
    );
  }
  const n = all[0].points.rows;
  const rows = sampleGroups(n, {
    scope: 'global',
    maxPoints: options.maxPoints,
    seed: options.seed ?? 0,
    what: 'Mapper study',
  })[0].rows;
  const labels = Int32Array.from(rows, (i) => labelsAll[i]);
  const classes = [...rowsByClass(labels).keys()];
  const lensOf = options.lens ?? l2NormLens;
  const layers = chosen.map((layer, t): MapperLayerResult => {
    if (layer.points.rows !== n) {
      throw invalidInput(`layer '${layer.name}' has ${layer.points.rows} points, expected ${n}.`);
    }
    const cloud = selectRows(layer.points, rows);
    const lens = lensOf(cloud);
    const graph = mapper(cloud, { ...options.mapper, lens, labels });
    const pairs: ClassPairSeparation[] = [];
    for (let a = 0; a < classes.length; a++) {
      for (let b = a + 1; b < classes.length; b++) {
        const s = classSeparation(graph, lens, labels, classes[a], classes[b]);
        pairs.push({
          classes: [classes[a], classes[b]],
          sharedNodes: s.mixedNodes.length,
          sharedUntil: s.sharedUntil,
          sharedFrom: s.sharedFrom,
        });
      }
    }
    options.onProgress?.(t + 1, chosen.length, `${input.network} ${layer.name}`);
    return {
      layer: layer.name,
      index: layer.index,
      depth: layer.depth,
      graph,
      nodes: graph.summary.nodes,
      edges: graph.summary.edges,
      components: graph.summary.components,
      purity: graph.summary.purity,
      pairs,
      separatedShare:
        pairs.length === 0 ? 1 : pairs.filter((p) => p.sharedNodes === 0).length / pairs.length,
    };
  });
  const branching = (layers[0]?.pairs ?? []).map((p, k) => {
    let from = layers.length;
    while (from > 0 && layers[from - 1].pairs[k].sharedNodes === 0) from--;
    const found = from < layers.length;
    return {
      classes: p.classes,
      branchDepth: found ? layers[from].depth : null,
      branchLayer: found ? layers[from].layer : null,
    };
  });
  return {
    study: 'mapper',
    network: input.network,
    classes,
    inputsUsed: rows.length,
    layers,
    branching,
  };
}
