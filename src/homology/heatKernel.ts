/**
 * The persistence scale-space (heat) kernel of Reininghaus, Huber, Bauer, Kwitt (CVPR 2015):
 *   k_sigma(F, G) = 1/(8 pi sigma) * sum_{p in F, q in G}
 *                   [exp(-|p - q|^2 / (8 sigma)) - exp(-|p - qbar|^2 / (8 sigma))],
 * with qbar = (d, b) the mirror image of q = (b, d) in the diagonal. It is the L2 inner product
 * of the diagrams' heat-diffusion feature maps (the diagram as Dirac masses, minus their
 * mirror images, diffused for time sigma), so the induced distance
 *   d_sigma(F, G) = sqrt(k(F, F) + k(G, G) - 2 k(F, G))
 * is the exact L2 distance between feature maps (no discretisation). Essential bars are
 * excluded unless `infinityValue` clips them.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { checkPositive, clippedBars } from './diagramParts.js';

export interface HeatKernelOptions {
  /** Scale sigma (the diffusion time) (default 1, as Reininghaus et al.'s unit scale). */
  sigma?: number;
  /** Clip essential bars at this death; when left out they are excluded (default). */
  infinityValue?: number;
}

function kernelSum(
  a: { births: Float64Array; deaths: Float64Array },
  b: { births: Float64Array; deaths: Float64Array },
  sigma: number,
): number {
  const c = -1 / (8 * sigma);
  let s = 0;
  for (let i = 0; i < a.births.length; i++) {
    const x = a.births[i];
    const y = a.deaths[i];
    for (let j = 0; j < b.births.length; j++) {
      const u = b.births[j];
      const v = b.deaths[j];
      const d1 = (x - u) * (x - u) + (y - v) * (y - v);
      const d2 = (x - v) * (x - v) + (y - u) * (y - u);
      s += Math.exp(c * d1) - Math.exp(c * d2);
    }
  }
  return s / (8 * Math.PI * sigma);
}

/** k_sigma(F, G), the scale-space kernel value. */
export function heatKernel(
  f: PersistenceDiagram,
  g: PersistenceDiagram,
  options: HeatKernelOptions = {},
): number {
  const sigma = options.sigma ?? 1;
  checkPositive(sigma, 'sigma', 'e.g. sigma: 1');
  return kernelSum(
    clippedBars(f, options.infinityValue, 'first diagram'),
    clippedBars(g, options.infinityValue, 'second diagram'),
    sigma,
  );
}

/** The kernel-induced distance sqrt(k(F,F) + k(G,G) - 2 k(F,G)), exact (clamped at 0 against rounding). */
export function heatKernelDistance(
  f: PersistenceDiagram,
  g: PersistenceDiagram,
  options: HeatKernelOptions = {},
): number {
  const sigma = options.sigma ?? 1;
  checkPositive(sigma, 'sigma', 'e.g. sigma: 1');
  const a = clippedBars(f, options.infinityValue, 'first diagram');
  const b = clippedBars(g, options.infinityValue, 'second diagram');
  const v = kernelSum(a, a, sigma) + kernelSum(b, b, sigma) - 2 * kernelSum(a, b, sigma);
  return Math.sqrt(Math.max(0, v));
}
