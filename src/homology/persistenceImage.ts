/**
 * Persistence images (Adams et al. 2017, JMLR 18(8)). Each finite bar (b, d) becomes the point
 * (b, p = d - b) in birth-persistence coordinates, carrying a Gaussian of standard deviation
 * `sigma` in both coordinates, weighted by w(p) = p^weightPower (persim's / giotto-tda's
 * linear ramp for the default power 1). The image is a `resolution[0]` (birth) x `resolution[1]`
 * (persistence) array of pixels over `birthRange` x `persistenceRange`.
 *
 * Two pixel conventions:
 * - `'integrate'` (default, persim's `PersistenceImager`): a pixel holds the integral of the
 *   weighted Gaussians over the pixel's cell; the range is split into resolution cells.
 * - `'sample'` (GUDHI's `representations.PersistenceImage`): a pixel holds the weighted Gaussian
 *   density at a grid node; nodes are `resolution` evenly spaced values from min to max.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { checkPositive, clippedBars } from './diagramParts.js';
import { normalMass } from './normal.js';

export interface PersistenceImageOptions {
  /** Gaussian standard deviation, the same in both coordinates (default 0.1, giotto-tda's `sigma`). */
  sigma?: number;
  /** Pixels along birth and along persistence (default [20, 20], GUDHI's `resolution`). */
  resolution?: [number, number];
  /** Birth range (default: min to max birth of the diagram's bars; width 1 if they coincide). */
  birthRange?: [number, number];
  /** Persistence range (default: 0 to the largest persistence; 1 if that is 0). */
  persistenceRange?: [number, number];
  /** Weight w(p) = p^weightPower (default 1: linear in persistence; 0: constant, as GUDHI's default). */
  weightPower?: number;
  /** `'integrate'` (default, persim) or `'sample'` (GUDHI). */
  pixels?: 'integrate' | 'sample';
  /** Clip essential bars at this death; when left out they are excluded (default). */
  infinityValue?: number;
}

export interface PersistenceImage {
  /** resolution[0] x resolution[1], persistence-major: values[j * nb + i] is birth pixel i, persistence pixel j. */
  values: Float64Array;
  resolution: [number, number];
  birthRange: [number, number];
  persistenceRange: [number, number];
  sigma: number;
  pixels: 'integrate' | 'sample';
}

export function persistenceImage(
  d: PersistenceDiagram,
  options: PersistenceImageOptions = {},
): PersistenceImage {
  const sigma = options.sigma ?? 0.1;
  checkPositive(sigma, 'sigma', 'e.g. sigma: 0.1 (in the units of the diagram)');
  const [nb, np] = options.resolution ?? [20, 20];
  for (const r of [nb, np])
    if (!Number.isInteger(r) || r < 1)
      throw invalidOption(
        `resolution must be two positive integers, got ${options.resolution}`,
        'e.g. [20, 20]',
      );
  const power = options.weightPower ?? 1;
  if (!Number.isFinite(power) || power < 0)
    throw invalidOption(`weightPower must be a finite number >= 0, got ${power}`, 'e.g. 1');
  const pixels = options.pixels ?? 'integrate';
  if (pixels !== 'integrate' && pixels !== 'sample')
    throw invalidOption(`pixels must be 'integrate' or 'sample', got '${pixels}'`);
  const { births, deaths } = clippedBars(d, options.infinityValue);
  const n = births.length;
  const pers = new Float64Array(n);
  for (let j = 0; j < n; j++) pers[j] = deaths[j] - births[j];
  const birthRange = options.birthRange ?? defaultRange(births, false);
  const persistenceRange = options.persistenceRange ?? defaultRange(pers, true);
  for (const [name, r] of [
    ['birthRange', birthRange],
    ['persistenceRange', persistenceRange],
  ] as const)
    if (!Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[1] > r[0]))
      throw invalidOption(`${name} must be [min, max] with min < max, got [${r}]`);
  const values = new Float64Array(nb * np);
  // Separable kernel: per bar, a birth factor per column and a persistence factor per row.
  const fb = new Float64Array(nb);
  const fp = new Float64Array(np);
  const norm = 1 / (2 * Math.PI * sigma * sigma);
  for (let j = 0; j < n; j++) {
    const w = Math.pow(pers[j], power);
    if (w === 0) continue;
    if (pixels === 'integrate') {
      axisMass(fb, births[j], birthRange, sigma);
      axisMass(fp, pers[j], persistenceRange, sigma);
    } else {
      axisDensity(fb, births[j], birthRange, sigma);
      axisDensity(fp, pers[j], persistenceRange, sigma);
    }
    const scale = pixels === 'integrate' ? w : w * norm;
    for (let r = 0; r < np; r++) {
      const f = scale * fp[r];
      if (f === 0) continue;
      const off = r * nb;
      for (let c = 0; c < nb; c++) values[off + c] += f * fb[c];
    }
  }
  return { values, resolution: [nb, np], birthRange, persistenceRange, sigma, pixels };
}

function defaultRange(x: Float64Array, fromZero: boolean): [number, number] {
  let lo = fromZero ? 0 : Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (!(hi > lo)) return [lo, lo + 1];
  return [lo, hi];
}

function axisMass(out: Float64Array, mu: number, [lo, hi]: [number, number], sigma: number): void {
  const k = out.length;
  const h = (hi - lo) / k;
  for (let i = 0; i < k; i++) {
    const a = lo + i * h;
    const b = i === k - 1 ? hi : lo + (i + 1) * h;
    out[i] = normalMass((a - mu) / sigma, (b - mu) / sigma);
  }
}

function axisDensity(
  out: Float64Array,
  mu: number,
  [lo, hi]: [number, number],
  sigma: number,
): void {
  const k = out.length;
  const h = k > 1 ? (hi - lo) / (k - 1) : 0;
  for (let i = 0; i < k; i++) {
    const x = (i === k - 1 && k > 1 ? hi : lo + i * h) - mu;
    out[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
  }
}
