/**
 * Stability of a Mapper graph under small parameter changes.
 *
 * The graph is rebuilt for the neighbouring parameter choices (default: intervals n - 1 and
 * n + 1, overlap p - 0.05 and p + 0.05, each varied alone; choices outside n >= 1,
 * 0 <= p < 1 are left out) with the SAME lens and the SAME eps (the base run's, so only the
 * cover moves), and each is compared with the base graph by `membershipSimilarity` (the
 * cosine between co-membership matrices, ./measures.ts). The score is the mean similarity,
 * in [0, 1]; 1 means that the points are grouped identically under every neighbouring choice.
 * For a 2-D lens the changes apply to both dimensions at once.
 */
import type { Matrix } from '../core/matrix.js';
import { buildCover } from './cover.js';
import type { MapperGraph } from './graph.js';
import { l2NormLens } from './lenses.js';
import { mapperOnCover, mapper, type MapperOptions } from './mapper.js';
import { membershipSimilarity } from './measures.js';

export interface StabilityOptions {
  /** Changes to the number of intervals, default [-1, 1]. */
  intervalSteps?: number[];
  /** Changes to the overlap, default [-0.05, 0.05]. */
  overlapSteps?: number[];
}

export interface StabilityResult {
  /** Mean similarity over the neighbouring choices (1 when there are none). */
  score: number;
  base: MapperGraph;
  neighbours: { intervals: number[]; overlap: number[]; similarity: number; nodes: number }[];
}

export function mapperStability(
  cloud: Matrix,
  options: MapperOptions = {},
  stability: StabilityOptions = {},
): StabilityResult {
  const lens = options.lens ?? l2NormLens(cloud);
  const base = mapper(cloud, { ...options, lens });
  const fixed: MapperOptions = { ...options, lens, onProgress: undefined };
  if (base.clusterer.eps) fixed.eps = base.clusterer.eps.eps;
  const n0 = base.cover.intervals;
  const p0 = base.cover.overlap;
  const settings: { intervals: number[]; overlap: number[] }[] = [];
  for (const s of stability.intervalSteps ?? [-1, 1]) {
    const n = n0.map((v) => v + s);
    if (n.every((v) => v >= 1)) settings.push({ intervals: n, overlap: p0 });
  }
  for (const s of stability.overlapSteps ?? [-0.05, 0.05]) {
    const p = p0.map((v) => Math.round((v + s) * 1e12) / 1e12);
    if (p.every((v) => v >= 0 && v < 1)) settings.push({ intervals: n0, overlap: p });
  }
  const neighbours = settings.map(({ intervals, overlap }) => {
    const cover = buildCover(lens, { intervals, overlap, kind: options.cover });
    const g = mapperOnCover(cloud, lens, cover, fixed);
    return { intervals, overlap, similarity: membershipSimilarity(base, g), nodes: g.nodes.length };
  });
  const score =
    neighbours.length === 0
      ? 1
      : neighbours.reduce((s, x) => s + x.similarity, 0) / neighbours.length;
  return { score, base, neighbours };
}
