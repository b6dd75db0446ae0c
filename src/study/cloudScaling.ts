/**
 * How a layer's cloud is normalised before its lifespan sums (docs/studies.md#layer-profile):
 * - 'minmax' ([M22], the default): every feature mapped to [0, 1] on the cloud itself. Distances
 *   then grow about as the square root of the number of features, so sums compared across
 *   layers of different widths partly measure the width.
 * - 'diameter': the whole cloud divided by its diameter (its largest pairwise Euclidean
 *   distance), a single factor that keeps the cloud's shape and makes the sums independent of the
 *   layer's width and of the activations' overall scale.
 * - 'none': the raw cloud.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidOption } from '../core/errors.js';
import { squaredDistanceRows } from '../linalg/knnNaive.js';
import { minMaxScaleColumns } from './sampling.js';

export const CLOUD_SCALINGS = ['minmax', 'diameter', 'none'] as const;

export type CloudScaling = (typeof CLOUD_SCALINGS)[number];

/** The largest pairwise Euclidean distance of the cloud's rows (0 for fewer than two rows). */
export function cloudDiameter(cloud: Matrix): number {
  const { data, rows, cols } = cloud;
  let best = 0;
  for (let i = 1; i < rows; i++) {
    for (let j = 0; j < i; j++) {
      const s = squaredDistanceRows(data, cols, i, j);
      if (s > best) best = s;
    }
  }
  return Math.sqrt(best);
}

/**
 * The cloud divided by its diameter, so that its largest pairwise distance is 1; a cloud of
 * identical points (diameter 0) is returned unchanged.
 */
export function diameterScale(cloud: Matrix): Matrix<Float64Array> {
  const diameter = cloudDiameter(cloud);
  const out = Float64Array.from(cloud.data);
  if (diameter > 0) for (let i = 0; i < out.length; i++) out[i] /= diameter;
  return { data: out, rows: cloud.rows, cols: cloud.cols };
}

/**
 * The scaling chosen by `scaling` and the older boolean `minMaxScale` (true: 'minmax', false:
 * 'none'); default 'minmax'. Giving both in disagreement is an error.
 */
export function resolveScaling(options: {
  scaling?: CloudScaling;
  minMaxScale?: boolean;
}): CloudScaling {
  const { scaling, minMaxScale } = options;
  if (scaling !== undefined && !(CLOUD_SCALINGS as readonly string[]).includes(scaling)) {
    throw invalidOption(
      `scaling must be one of ${CLOUD_SCALINGS.join(', ')}, got '${String(scaling)}'.`,
    );
  }
  if (minMaxScale === undefined) return scaling ?? 'minmax';
  const implied: CloudScaling = minMaxScale ? 'minmax' : 'none';
  if (scaling !== undefined && scaling !== implied) {
    throw invalidOption(
      `scaling '${scaling}' contradicts minMaxScale: ${minMaxScale}.`,
      "Give only scaling ('minmax', 'diameter' or 'none'); minMaxScale is its older boolean form.",
    );
  }
  return implied;
}

/** The cloud as the chosen scaling normalises it. */
export function scaleCloud(cloud: Matrix, scaling: CloudScaling): Matrix {
  switch (scaling) {
    case 'minmax':
      return minMaxScaleColumns(cloud);
    case 'diameter':
      return diameterScale(cloud);
    case 'none':
      return cloud;
  }
}
