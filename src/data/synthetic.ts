/**
 * Seeded synthetic point clouds. Every generator takes `{n, seed, ...}` and returns a `Dataset`:
 * the points one per row (Float64) and, as a `LabelledData`, the same points as Float32
 * `inputs` [n, d] with `labels` and `classNames` (sets without classes have one class, label 0,
 * named after the set), so a generated set trains and captures as is. The same seed gives the
 * same points. `syntheticDataset(name, options)` picks a generator by name.
 * Noise, where offered, is isotropic Gaussian with standard deviation `noise` added to every
 * coordinate (default 0: points exactly on the manifold).
 */
import { describeValue } from '../core/describe.js';
import { invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { createRng, type Rng } from '../core/rng.js';
import type { LabelledData } from './labelled.js';

/** A generated set: the Float64 points, and the same points as a LabelledData (Float32). */
export interface Dataset extends LabelledData {
  /** One point per row, Float64 (the generator's exact values). */
  points: Matrix<Float64Array>;
  /** Class of each point (0, 1, ...); all 0 for sets without classes. */
  labels: Int32Array;
  name: string;
}

export interface BaseOptions {
  /** Number of points. */
  n: number;
  /** Seed of the random generator (src/core/rng.ts). Default 0. */
  seed?: number;
  /** Standard deviation of Gaussian noise added to each coordinate. Default 0. */
  noise?: number;
}

function checkN(o: BaseOptions): void {
  if (o === null || typeof o !== 'object') {
    throw invalidOption(
      `a generator needs options such as { n: 1000, seed: 0 }; got ${describeValue(o)}.`,
    );
  }
  const n = o.n;
  if (!Number.isInteger(n) || n < 1) {
    throw invalidOption(`n must be a positive integer number of points, got ${n}.`);
  }
}

function addNoise(data: Float64Array, noise: number | undefined, rng: Rng): void {
  if (!noise) return;
  for (let k = 0; k < data.length; k++) data[k] += noise * rng.normal();
}

function finish(
  data: Float64Array,
  n: number,
  d: number,
  o: BaseOptions,
  rng: Rng,
  name: string,
  labels?: Int32Array,
  classNames?: string[],
): Dataset {
  addNoise(data, o.noise, rng);
  return {
    points: { data, rows: n, cols: d },
    inputs: { data: Float32Array.from(data), shape: [n, d] },
    labels: labels ?? new Int32Array(n),
    classNames: labels ? (classNames ?? classIndexNames(labels)) : [name],
    name,
  };
}

function classIndexNames(labels: Int32Array): string[] {
  let top = 0;
  for (const l of labels) if (l > top) top = l;
  return Array.from({ length: top + 1 }, (_, c) => String(c));
}

/** Points on a circle of `radius` (default 1) in the plane, angles uniform. */
export function circle(o: BaseOptions & { radius?: number }): Dataset {
  checkN(o);
  const rng = createRng(o.seed ?? 0);
  const r = o.radius ?? 1;
  const data = new Float64Array(o.n * 2);
  for (let i = 0; i < o.n; i++) {
    const t = 2 * Math.PI * rng.next();
    data[2 * i] = r * Math.cos(t);
    data[2 * i + 1] = r * Math.sin(t);
  }
  return finish(data, o.n, 2, o, rng, 'circle');
}

/**
 * Points uniform on the sphere S^dimension of `radius` (default 1) in R^(dimension+1):
 * normalised Gaussian vectors. Default dimension 2 (the ordinary sphere in R^3).
 */
export function sphere(o: BaseOptions & { dimension?: number; radius?: number }): Dataset {
  checkN(o);
  const k = o.dimension ?? 2;
  if (!Number.isInteger(k) || k < 1)
    throw invalidOption(`sphere dimension must be >= 1, got ${k}.`);
  const d = k + 1;
  const r = o.radius ?? 1;
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * d);
  for (let i = 0; i < o.n; i++) {
    let s = 0;
    do {
      s = 0;
      for (let c = 0; c < d; c++) {
        const v = rng.normal();
        data[i * d + c] = v;
        s += v * v;
      }
    } while (s < 1e-24);
    const f = r / Math.sqrt(s);
    for (let c = 0; c < d; c++) data[i * d + c] *= f;
  }
  return finish(data, o.n, d, o, rng, 'sphere');
}

/**
 * The flat torus in R^4: (r1 cos a, r1 sin a, r2 cos b, r2 sin b), angles uniform (uniform in
 * area, since the embedding is flat). Radii default to 1.
 */
export function flatTorus(o: BaseOptions & { radius1?: number; radius2?: number }): Dataset {
  checkN(o);
  const r1 = o.radius1 ?? 1;
  const r2 = o.radius2 ?? 1;
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * 4);
  for (let i = 0; i < o.n; i++) {
    const a = 2 * Math.PI * rng.next();
    const b = 2 * Math.PI * rng.next();
    data.set([r1 * Math.cos(a), r1 * Math.sin(a), r2 * Math.cos(b), r2 * Math.sin(b)], i * 4);
  }
  return finish(data, o.n, 4, o, rng, 'flat-torus');
}

/**
 * The torus of revolution in R^3 with tube centre radius `majorRadius` (default 2) and tube
 * radius `minorRadius` (default 1), sampled uniformly in area (rejection on the tube angle,
 * density proportional to R + r cos v).
 */
export function torus(o: BaseOptions & { majorRadius?: number; minorRadius?: number }): Dataset {
  checkN(o);
  const R = o.majorRadius ?? 2;
  const r = o.minorRadius ?? 1;
  if (!(R > r && r > 0))
    throw invalidOption(`torus needs majorRadius > minorRadius > 0, got ${R}, ${r}.`);
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * 3);
  for (let i = 0; i < o.n; i++) {
    let v = 0;
    do v = 2 * Math.PI * rng.next();
    while (rng.next() * (R + r) > R + r * Math.cos(v));
    const u = 2 * Math.PI * rng.next();
    const w = R + r * Math.cos(v);
    data.set([w * Math.cos(u), w * Math.sin(u), r * Math.sin(v)], i * 3);
  }
  return finish(data, o.n, 3, o, rng, 'torus');
}

/**
 * scikit-learn's swiss roll: t = 1.5 pi (1 + 2u), points (t cos t, 21 v, t sin t) with u, v
 * uniform in [0, 1). `parameter` holds t of each point.
 */
export function swissRoll(o: BaseOptions): Dataset & { parameter: Float64Array } {
  checkN(o);
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * 3);
  const parameter = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * rng.next());
    parameter[i] = t;
    data.set([t * Math.cos(t), 21 * rng.next(), t * Math.sin(t)], i * 3);
  }
  return { ...finish(data, o.n, 3, o, rng, 'swiss-roll'), parameter };
}

/** Points uniform in the cube [0, 1]^dimension. */
export function uniformCube(o: BaseOptions & { dimension: number }): Dataset {
  checkN(o);
  const d = o.dimension;
  if (!Number.isInteger(d) || d < 1) throw invalidOption(`cube dimension must be >= 1, got ${d}.`);
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * d);
  for (let k = 0; k < data.length; k++) data[k] = rng.next();
  return finish(data, o.n, d, o, rng, 'uniform-cube');
}

/**
 * A mixture of isotropic Gaussians: `centers` (rows of equal length) with standard deviation
 * `std` (default 1); point i belongs to component i mod centers.length (balanced), labelled
 * with its component.
 */
export function gaussianMixture(o: BaseOptions & { centers: number[][]; std?: number }): Dataset {
  checkN(o);
  const m = o.centers.length;
  if (m === 0) throw invalidOption('gaussianMixture needs at least one center.');
  const d = o.centers[0].length;
  if (o.centers.some((c) => c.length !== d))
    throw invalidOption('gaussianMixture: centers must have equal length.');
  const s = o.std ?? 1;
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * d);
  const labels = new Int32Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const c = i % m;
    labels[i] = c;
    for (let k = 0; k < d; k++) data[i * d + k] = o.centers[c][k] + s * rng.normal();
  }
  return finish(data, o.n, d, o, rng, 'gaussian-mixture', labels);
}

/**
 * `classes` interleaved Archimedean spirals in the plane (default 2 classes, 2 turns): class c
 * has radius t and angle 2 pi (turns t + c / classes), t uniform in (0, 1]. Balanced labels.
 */
export function spirals(o: BaseOptions & { classes?: number; turns?: number }): Dataset {
  checkN(o);
  const m = o.classes ?? 2;
  const turns = o.turns ?? 2;
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * 2);
  const labels = new Int32Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const c = i % m;
    labels[i] = c;
    const t = 1 - rng.next();
    const a = 2 * Math.PI * (turns * t + c / m);
    data[2 * i] = t * Math.cos(a);
    data[2 * i + 1] = t * Math.sin(a);
  }
  return finish(data, o.n, 2, o, rng, 'spirals', labels);
}

// ---- [B24]'s three 3-D two-class sets (METHODS.md section 8) ----
// Labels alternate 0, 1, 0, 1, ... so the classes are balanced for every n.

/**
 * Two entangled spiral sheets in R^3: class c is the surface
 * (t cos(2 pi turns t + c pi), t sin(2 pi turns t + c pi), h), t uniform in [0.1, 1],
 * h uniform in [-1, 1]: two interleaved swiss-roll sheets offset by half a turn.
 * Default 1.5 turns.
 */
export function entangledSpirals3d(o: BaseOptions & { turns?: number }): Dataset {
  checkN(o);
  const turns = o.turns ?? 1.5;
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * 3);
  const labels = new Int32Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const c = i % 2;
    labels[i] = c;
    const t = 0.1 + 0.9 * rng.next();
    const a = 2 * Math.PI * turns * t + c * Math.PI;
    data.set([t * Math.cos(a), t * Math.sin(a), 2 * rng.next() - 1], i * 3);
  }
  return finish(data, o.n, 3, o, rng, 'entangled-spirals-3d', labels);
}

/**
 * Blobs inside a shell: class 0 is `blobs` Gaussian blobs (std `blobStd`, default 0.1) centred
 * at `blobs` points spread on the sphere of radius 0.4 (default 4 blobs); class 1 is a shell
 * of radius uniform in [0.8, 1] (`shellInner`, `shellOuter`) with uniform directions.
 */
export function blobsInShell(
  o: BaseOptions & { blobs?: number; blobStd?: number; shellInner?: number; shellOuter?: number },
): Dataset {
  checkN(o);
  const nb = o.blobs ?? 4;
  const std = o.blobStd ?? 0.1;
  const r0 = o.shellInner ?? 0.8;
  const r1 = o.shellOuter ?? 1;
  const rng = createRng(o.seed ?? 0);
  const centers = sphere({ n: nb, seed: (o.seed ?? 0) + 7919, radius: 0.4 }).points.data;
  const data = new Float64Array(o.n * 3);
  const labels = new Int32Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const c = i % 2;
    labels[i] = c;
    if (c === 0) {
      const b = ((i / 2) | 0) % nb;
      for (let k = 0; k < 3; k++) data[i * 3 + k] = centers[b * 3 + k] + std * rng.normal();
    } else {
      let x = 0,
        y = 0,
        z = 0,
        s = 0;
      do {
        x = rng.normal();
        y = rng.normal();
        z = rng.normal();
        s = Math.hypot(x, y, z);
      } while (s < 1e-12);
      const r = r0 + (r1 - r0) * rng.next();
      data.set([(r * x) / s, (r * y) / s, (r * z) / s], i * 3);
    }
  }
  return finish(data, o.n, 3, o, rng, 'blobs-in-shell', labels, ['blobs', 'shell']);
}

/**
 * Interleaved sinusoidal sheets: x, y uniform in [-1, 1], class c lies on
 * z = amplitude sin(pi frequency x) + c gap (defaults amplitude 0.5, frequency 2, gap 0.25), so
 * the two wavy sheets interleave along z.
 */
export function sinusoidalSheets(
  o: BaseOptions & { amplitude?: number; frequency?: number; gap?: number },
): Dataset {
  checkN(o);
  const amp = o.amplitude ?? 0.5;
  const freq = o.frequency ?? 2;
  const gap = o.gap ?? 0.25;
  const rng = createRng(o.seed ?? 0);
  const data = new Float64Array(o.n * 3);
  const labels = new Int32Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const c = i % 2;
    labels[i] = c;
    const x = 2 * rng.next() - 1;
    const y = 2 * rng.next() - 1;
    data.set([x, y, amp * Math.sin(Math.PI * freq * x) + c * gap], i * 3);
  }
  return finish(data, o.n, 3, o, rng, 'sinusoidal-sheets', labels);
}

// ---- by name ----

/** The generators by name, as `syntheticDataset` and experiment files call them. */
export const SYNTHETIC_DATASETS = {
  circle,
  sphere,
  'flat-torus': flatTorus,
  torus,
  'swiss-roll': swissRoll,
  'uniform-cube': uniformCube,
  'gaussian-mixture': gaussianMixture,
  spirals,
  'entangled-spirals-3d': entangledSpirals3d,
  'blobs-in-shell': blobsInShell,
  'sinusoidal-sheets': sinusoidalSheets,
} as const;
export type SyntheticDatasetName = keyof typeof SYNTHETIC_DATASETS;

/** The options of the generator called `name`. */
export type SyntheticOptions<K extends SyntheticDatasetName> = Parameters<
  (typeof SYNTHETIC_DATASETS)[K]
>[0];

/**
 * A generated set by name, e.g. `syntheticDataset('entangled-spirals-3d', { n: 2000, seed: 1 })`
 * ([B24]'s sets are 'entangled-spirals-3d', 'blobs-in-shell', 'sinusoidal-sheets'). The result
 * is a LabelledData (see `Dataset`).
 */
export function syntheticDataset<K extends SyntheticDatasetName>(
  name: K,
  options: SyntheticOptions<K>,
): Dataset {
  const generate = SYNTHETIC_DATASETS[name] as ((o: SyntheticOptions<K>) => Dataset) | undefined;
  if (typeof generate !== 'function') {
    throw invalidOption(
      `unknown synthetic dataset '${String(name)}'`,
      `use one of: ${Object.keys(SYNTHETIC_DATASETS).join(', ')}`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw invalidOption(
      `syntheticDataset('${name}') needs options such as { n: 1000, seed: 0 }; got ${String(options)}`,
    );
  }
  return generate(options);
}
