/**
 * Architecture comparison ([M23]; docs/studies.md#architecture-comparison): several networks'
 * layer profiles on one depth axis (l + 1) / L, so that a 5-block CNN and a 12-block Transformer
 * can be read side by side. Per descriptor and architecture: the curve at its own depths, the
 * curve interpolated linearly onto a common grid (no extrapolation below the first layer's
 * depth: null there), the depth of its peak (the "hunchback" of intrinsic dimension) and its
 * final value; and between every two architectures the root-mean-square gap of their curves on
 * the grid, raw and min-max scaled (shape only).
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import type { NetworkClouds, StudyProgress } from './types.js';
import { layerProfile, type LayerProfileOptions, type LayerProfileResult } from './layerProfile.js';
import type { DescriptorName } from './descriptors.js';
import { minMaxScaleCurve } from './summary.js';

export interface Architecture {
  architecture: string;
  /** one network, or several (seeds) profiled as repeats */
  networks: NetworkClouds | NetworkClouds[];
}

export interface ArchitectureComparisonOptions extends Omit<LayerProfileOptions, 'onProgress'> {
  /** the common depth grid: its points, or a count n for 1/n, 2/n, ..., 1 (default 10) */
  grid?: number | number[];
  onProgress?: StudyProgress;
}

export interface ArchitectureCurve {
  architecture: string;
  depths: number[];
  mean: number[];
  low: number[];
  high: number[];
  /** the mean on the common grid (null outside the architecture's depth range) */
  onGrid: (number | null)[];
  /** the min-max scaled mean on the common grid */
  scaledOnGrid: (number | null)[];
  /** depth of the largest mean value */
  peakDepth: number;
  /** the value at the last layer */
  final: number;
}

export interface DescriptorComparison {
  descriptor: DescriptorName;
  curves: ArchitectureCurve[];
  /** RMS gap of the curves on the grid points both cover: gap[i][j] */
  gap: (number | null)[][];
  /** the same for the min-max scaled curves */
  shapeGap: (number | null)[][];
}

export interface ArchitectureComparisonResult {
  study: 'architecture-comparison';
  architectures: string[];
  grid: number[];
  profiles: LayerProfileResult[];
  descriptors: DescriptorComparison[];
}

/** Linear interpolation of (xs ascending, ys) at x; null outside [xs[0], xs[last]]. */
export function interpolate(
  xs: readonly number[],
  ys: readonly number[],
  x: number,
): number | null {
  const n = xs.length;
  if (n === 0 || x < xs[0] - 1e-12 || x > xs[n - 1] + 1e-12) return null;
  for (let i = 0; i < n; i++) {
    if (Math.abs(x - xs[i]) <= 1e-12) return Number.isFinite(ys[i]) ? ys[i] : null;
  }
  let i = 0;
  while (i < n - 2 && xs[i + 1] < x) i++;
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  const v = ys[i] + t * (ys[i + 1] - ys[i]);
  return Number.isFinite(v) ? v : null;
}

function rmsGap(a: readonly (number | null)[], b: readonly (number | null)[]): number | null {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === null || b[i] === null) continue;
    s += (a[i]! - b[i]!) ** 2;
    n++;
  }
  return n === 0 ? null : Math.sqrt(s / n);
}

function gridOf(grid: number | number[] | undefined): number[] {
  if (Array.isArray(grid)) {
    if (grid.length === 0 || grid.some((g) => !(g > 0 && g <= 1))) {
      throw invalidOption('grid: give depths in (0, 1].');
    }
    return [...grid].sort((a, b) => a - b);
  }
  const n = grid ?? 10;
  if (!Number.isInteger(n) || n < 1)
    throw invalidOption(`grid must be a positive integer, got ${n}.`);
  return Array.from({ length: n }, (_, i) => (i + 1) / n);
}

export function architectureComparison(
  architectures: readonly Architecture[],
  options: ArchitectureComparisonOptions = {},
): ArchitectureComparisonResult {
  if (architectures.length === 0) throw invalidInput('give at least one architecture to compare.');
  const names = architectures.map((a) => a.architecture);
  if (new Set(names).size !== names.length) {
    throw invalidInput(`architecture names must be distinct, got ${names.join(', ')}.`);
  }
  const grid = gridOf(options.grid);
  const { grid: _grid, onProgress, ...profileOptions } = options;
  const profiles = architectures.map((a, i) => {
    const p = layerProfile(a.networks, profileOptions);
    onProgress?.(i + 1, architectures.length, a.architecture);
    return p;
  });
  const descriptors = profiles[0].profiles.map((p0, di): DescriptorComparison => {
    const curves = profiles.map((profile, ai): ArchitectureCurve => {
      const p = profile.profiles[di];
      const depths = profile.layers.map((l) => l.depth);
      const order = depths.map((_, i) => i).sort((a, b) => depths[a] - depths[b]);
      const xs = order.map((i) => depths[i]);
      const ys = order.map((i) => p.mean[i]);
      const scaled = minMaxScaleCurve(ys);
      let peak = 0;
      for (let i = 1; i < ys.length; i++) if (ys[i] > ys[peak]) peak = i;
      return {
        architecture: architectures[ai].architecture,
        depths: xs,
        mean: ys,
        low: order.map((i) => p.low[i]),
        high: order.map((i) => p.high[i]),
        onGrid: grid.map((g) => interpolate(xs, ys, g)),
        scaledOnGrid: grid.map((g) => interpolate(xs, scaled, g)),
        peakDepth: xs[peak],
        final: ys[ys.length - 1],
      };
    });
    return {
      descriptor: p0.descriptor,
      curves,
      gap: curves.map((a) => curves.map((b) => rmsGap(a.onGrid, b.onGrid))),
      shapeGap: curves.map((a) => curves.map((b) => rmsGap(a.scaledOnGrid, b.scaledOnGrid))),
    };
  });
  return { study: 'architecture-comparison', architectures: names, grid, profiles, descriptors };
}
