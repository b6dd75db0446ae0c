import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkLabelledData,
  classCounts,
  labelledData,
  sampleEachClass,
  stratifiedSplit,
  stratifiedTestCounts,
  subsetRows,
  toLabelledData,
  type LabelledData,
} from '../../src/data/labelled.js';
import { loadLabelledArrays } from '../../src/data/loadLabelled.js';
import {
  circle,
  entangledSpirals3d,
  syntheticDataset,
  SYNTHETIC_DATASETS,
} from '../../src/data/synthetic.js';
import { loadMnist } from '../../src/data/mnist.js';
import { binaryPair } from '../../src/data/images.js';
import { loadImageFolder } from '../../src/data/imageFolder.js';
import { afinnSentimentTask, textClassificationTask } from '../../src/data/language.js';
import { requireTool, runPython } from '../helpers/oracles.js';

/** n samples of one feature (the sample's own index), labelled as given. */
function indexed(labels: number[]): LabelledData {
  return labelledData(
    { data: Float32Array.from(labels, (_, i) => i), shape: [labels.length, 1] },
    labels,
  );
}

describe('stratifiedSplit', () => {
  it('hand-computed class counts: largest remainders get the extra samples', () => {
    // quotas 1.5, 1.5, 2 -> floors 1, 1, 2 (4 of round(5) = 5): class 0 wins the tie
    expect(stratifiedTestCounts([3, 3, 4], 0.5)).toEqual([2, 1, 2]);
    // quotas 0.2, 0.4, 1.4 -> floors 0, 0, 1, total round(2) = 2: the 0.4 remainder first
    expect(stratifiedTestCounts([1, 2, 7], 0.2)).toEqual([0, 1, 1]);
    expect(stratifiedTestCounts([10, 10], 0)).toEqual([0, 0]);
  });

  it('splits each class in proportion, partitions the samples, and is seeded (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 120 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (labels, f, seed) => {
          const data = indexed(labels);
          const s = stratifiedSplit(data, { testFraction: f, seed });
          const n = labels.length;
          // a partition of 0..n-1
          const all = [...s.trainIndices, ...s.testIndices].sort((a, b) => a - b);
          expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
          expect(s.testIndices.length).toBe(Math.round(n * f));
          // rows and labels follow the indices
          s.testIndices.forEach((k, r) => {
            expect(s.test.inputs.data[r]).toBe(k);
            expect(s.test.labels[r]).toBe(labels[k]);
          });
          s.trainIndices.forEach((k, r) => expect(s.train.inputs.data[r]).toBe(k));
          // every class within one sample of its share
          const counts = classCounts(data.labels);
          const testCounts = new Array(counts.length).fill(0);
          for (const k of s.testIndices) testCounts[labels[k]]++;
          counts.forEach((c, k) => expect(Math.abs(testCounts[k] - c * f)).toBeLessThan(1));
          // same seed, same split
          const again = stratifiedSplit(data, { testFraction: f, seed });
          expect(Array.from(again.testIndices)).toEqual(Array.from(s.testIndices));
          expect(Array.from(again.trainIndices)).toEqual(Array.from(s.trainIndices));
          expect(s.train.classNames).toEqual(data.classNames);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('shuffles class-grouped data so that the tail of train holds every class', () => {
    // MNIST-like: all 0s, then all 1s, ..., all 9s
    const labels = Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100));
    const s = stratifiedSplit(indexed(labels), { testFraction: 0.2, seed: 3 });
    const tail = new Set(s.train.labels.slice(-160));
    expect(tail.size).toBe(10);
    expect(classCounts(s.test.labels)).toEqual(new Array(10).fill(20));
    const other = stratifiedSplit(indexed(labels), { testFraction: 0.2, seed: 4 });
    expect(Array.from(other.testIndices)).not.toEqual(Array.from(s.testIndices));
  });

  it('refuses a fraction outside [0, 1] and data that is not labelled', () => {
    expect(() => stratifiedSplit(indexed([0, 1]), { testFraction: 1.5 })).toThrow(
      /testFraction must be in \[0, 1\], got 1.5/,
    );
    const all = stratifiedSplit(indexed([0, 1, 1]), { testFraction: 1 });
    expect([all.train.labels.length, all.test.labels.length]).toEqual([0, 3]);
    expect(() =>
      stratifiedSplit({ points: circle({ n: 4 }).points, labels: [0, 1] } as never),
    ).toThrow(
      /stratifiedSplit expects \{inputs: TensorData, labels: Int32Array\}; got an object with keys points, labels/,
    );
  });
});

describe('sampleEachClass', () => {
  it('draws at most K of each class, distinct, seeded, not grouped by class', () => {
    const labels = [...new Array(30).fill(0), ...new Array(5).fill(1), ...new Array(40).fill(2)];
    const data = indexed(labels);
    const s = sampleEachClass(data, { perClass: 10, seed: 2 });
    expect(classCounts(s.labels)).toEqual([10, 5, 10]);
    const rows = Array.from(s.inputs.data);
    expect(new Set(rows).size).toBe(25);
    rows.forEach((k, r) => expect(s.labels[r]).toBe(labels[k]));
    expect(new Set(Array.from(s.labels.slice(0, 8))).size).toBeGreaterThan(1);
    const again = sampleEachClass(data, { perClass: 10, seed: 2 });
    expect(Array.from(again.inputs.data)).toEqual(rows);
    expect(Array.from(sampleEachClass(data, { perClass: 10, seed: 3 }).inputs.data)).not.toEqual(
      rows,
    );
    expect(() => sampleEachClass(data, { perClass: 0 })).toThrow(
      /perClass must be an integer >= 1/,
    );
  });
});

describe('labelled data: construction and run-time checks', () => {
  it('labelledData and toLabelledData build the one type from the usual shapes', () => {
    const pts = { data: Float64Array.from([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 };
    const a = labelledData(pts, [0, 1, 1]);
    expect(a.inputs.shape).toEqual([3, 2]);
    expect(a.inputs.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.inputs.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.classNames).toEqual(['0', '1']);
    const b = toLabelledData({ points: pts, labels: Int32Array.from([1, 0, 1]) }, { name: 'p' });
    expect(b.name).toBe('p');
    const img = new Float32Array(2 * 2 * 2 * 1);
    const c = toLabelledData({ images: img, shape: [2, 2, 2, 1], labels: Int32Array.from([0, 1]) });
    expect(c.inputs.data).toBe(img);
    expect(c.inputs.shape).toEqual([2, 2, 2, 1]);
    const tok = toLabelledData({ tokens: new Int32Array(6), labels: Int32Array.from([0, 1]) });
    expect(tok.inputs.shape).toEqual([2, 3]);
    expect(() => labelledData(pts, [0, 0.5, 1])).toThrow(/label 0.5 of sample 1 is not an integer/);
  });

  it('names what was got and what is needed', () => {
    const where = 'trainClassifier';
    const check = (v: unknown) => () => checkLabelledData(v, where);
    expect(check(null)).toThrow(/trainClassifier expects \{inputs: TensorData.*; got null/);
    expect(check({ points: 1, labels: 2 })).toThrow(
      /got an object with keys points, labels[\s\S]*pass a LabelledData, e\.g\. from loadMnist\(\)/,
    );
    const inputs = { data: new Float32Array(6), shape: [3, 2] };
    expect(check({ inputs, labels: [0, 1, 0] })).toThrow(
      /labels must be an Int32Array of class indices; got an array of 3 entries[\s\S]*Int32Array\.from/,
    );
    expect(check({ inputs, labels: new Float64Array(3) })).toThrow(/got Float64Array/);
    expect(check({ inputs, labels: new Int32Array(2) })).toThrow(
      /3 inputs \(shape \[3, 2\]\) but 2 labels/,
    );
    expect(check({ inputs: { data: [1, 2], shape: [2, 1] }, labels: new Int32Array(2) })).toThrow(
      /inputs must be a tensor \{data: Float32Array \| Int32Array, shape: number\[\]\}; got a tensor of shape \[2, 1\] \(an array of 2 entries\)/,
    );
    expect(
      check({ inputs: { data: new Float32Array(5), shape: [2, 2] }, labels: new Int32Array(2) }),
    ).toThrow(/has 5 values but its shape \[2, 2\] needs 4/);
    expect(check({ inputs, labels: Int32Array.from([0, -1, 0]) })).toThrow(
      /label -1 of sample 1 is negative/,
    );
    expect(check({ inputs, labels: Int32Array.from([0, 2, 0]), classNames: ['a', 'b'] })).toThrow(
      /labels go up to 2 but classNames has 2 names/,
    );
  });

  it('subsetRows keeps rows, labels, class names and name', () => {
    const d = { ...indexed([0, 1, 2, 1]), name: 'four' };
    const s = subsetRows(d, [3, 0]);
    expect(Array.from(s.inputs.data)).toEqual([3, 0]);
    expect(Array.from(s.labels)).toEqual([1, 0]);
    expect(s.classNames).toEqual(['0', '1', '2']);
    expect(s.name).toBe('four');
    expect(() => subsetRows(d, [4])).toThrow(/index 4 \(position 0\) is outside 0..3/);
  });
});

describe('every loader returns LabelledData', () => {
  const isLabelled = (d: LabelledData, n: number) => {
    checkLabelledData(d, 'test');
    expect(d.inputs.shape[0]).toBe(n);
    expect(d.labels.length).toBe(n);
    expect(Array.isArray(d.classNames)).toBe(true);
  };

  it('synthetic generators, by function and by name', () => {
    const s = entangledSpirals3d({ n: 30, seed: 2 });
    isLabelled(s, 30);
    expect(s.inputs.shape).toEqual([30, 3]);
    expect(Array.from(s.inputs.data)).toEqual(Array.from(Float32Array.from(s.points.data)));
    expect(s.name).toBe('entangled-spirals-3d');
    const byName = syntheticDataset('entangled-spirals-3d', { n: 30, seed: 2 });
    expect(Array.from(byName.points.data)).toEqual(Array.from(s.points.data));
    const c = circle({ n: 5 });
    expect(Array.from(c.labels)).toEqual([0, 0, 0, 0, 0]);
    expect(c.classNames).toEqual(['circle']);
    expect(syntheticDataset('blobs-in-shell', { n: 4 }).classNames).toEqual(['blobs', 'shell']);
    for (const name of Object.keys(SYNTHETIC_DATASETS)) {
      const options =
        name === 'uniform-cube'
          ? { n: 6, dimension: 2 }
          : name === 'gaussian-mixture'
            ? { n: 6, centers: [[0], [5]] }
            : { n: 6 };
      const ds = syntheticDataset(name as 'circle', options as { n: number });
      isLabelled(ds, 6);
      expect(ds.name).toBe(name);
    }
    expect(() => (circle as (o?: unknown) => unknown)()).toThrow(
      /needs options such as \{ n: 1000, seed: 0 \}; got undefined/,
    );
    expect(() => syntheticDataset('moons' as 'circle', { n: 3 })).toThrow(
      /unknown synthetic dataset 'moons'[\s\S]*entangled-spirals-3d/,
    );
  });

  it('MNIST and its binary pairs share one pixel buffer', () => {
    const m = loadMnist();
    isLabelled(m, 10000);
    expect(m.inputs.data).toBe(m.images);
    expect(m.inputs.shape).toEqual([10000, 28, 28, 1]);
    expect(m.name).toBe('mnist');
    const pair = binaryPair(m, 1, 7);
    isLabelled(pair, pair.points.rows);
    expect(pair.inputs.data).toBe(pair.points.data);
    expect(pair.inputs.shape).toEqual([pair.points.rows, 784]);
    expect(pair.name).toBe('mnist-1-7');
    expect(() => binaryPair({ points: 1 } as never, 1, 7)).toThrow(
      /binaryPair expects \{inputs: TensorData, labels: Int32Array\}; got an object with keys points/,
    );
  });

  it('image folders and text tasks', () => {
    const root = mkdtempSync(join(tmpdir(), 'topolens-labelled-'));
    try {
      for (const [cls, rgb] of [
        ['cat', [255, 0, 0]],
        ['dog', [0, 0, 255]],
      ] as const) {
        mkdirSync(join(root, cls));
        const p = new PNG({ width: 2, height: 2 });
        for (let k = 0; k < 4; k++) p.data.set([...rgb, 255], 4 * k);
        writeFileSync(join(root, cls, 'a.png'), PNG.sync.write(p));
      }
      const ds = loadImageFolder(root);
      isLabelled(ds, 2);
      expect(ds.inputs.shape).toEqual([2, 2, 2, 3]);
      expect(ds.classNames).toEqual(['cat', 'dog']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const task = afinnSentimentTask({ maxLength: 6 });
    isLabelled(task.train, task.train.texts.length);
    expect(task.train.inputs).toEqual({
      data: task.train.tokens,
      shape: [task.train.texts.length, 6],
    });
    expect(task.test.classNames).toEqual(['negative', 'positive']);
    const own = textClassificationTask(
      [
        { text: 'good', label: 1 },
        { text: 'bad', label: 0 },
        { text: 'fine', label: 1 },
      ],
      { testFraction: 0, name: 'mine' },
    );
    isLabelled(own.train, 3);
    expect(own.train.name).toBe('mine');
  });

  describe('loadLabelledArrays (.npy, .npz)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-arrays-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads inputs and labels written by NumPy', (ctx) => {
      requireTool(ctx, 'numpy');
      runPython(
        `import numpy as np, sys
d = sys.stdin.read().strip()
x = np.arange(24, dtype=np.float64).reshape(6, 2, 2) / 4
y = np.array([0, 2, 1, 2, 0, 1], dtype=np.int64)
np.save(d + '/x.npy', x); np.save(d + '/y.npy', y)
np.savez(d + '/both.npz', inputs=x.astype(np.float32), labels=y.astype(np.uint8))
np.savez(d + '/odd.npz', a=x, b=y)
np.save(d + '/bad.npy', y.astype(np.float64) + 0.5)`,
        dir,
      );
      const a = loadLabelledArrays(join(dir, 'x.npy'), join(dir, 'y.npy'), {
        classNames: ['a', 'b', 'c'],
      });
      isLabelled(a, 6);
      expect(a.inputs.shape).toEqual([6, 2, 2]);
      expect(a.inputs.data[5]).toBeCloseTo(5 / 4, 6);
      expect(Array.from(a.labels)).toEqual([0, 2, 1, 2, 0, 1]);
      expect(a.name).toBe('x');
      const b = loadLabelledArrays(join(dir, 'both.npz'));
      expect(Array.from(b.inputs.data)).toEqual(Array.from(a.inputs.data));
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(() => loadLabelledArrays(join(dir, 'odd.npz'))).toThrow(
        /holds a, b; cannot tell which are the inputs and which the labels/,
      );
      const c = loadLabelledArrays(join(dir, 'odd.npz'), undefined, {
        inputsArray: 'a',
        labelsArray: 'b',
      });
      expect(Array.from(c.labels)).toEqual(Array.from(a.labels));
      expect(() => loadLabelledArrays(join(dir, 'x.npy'), join(dir, 'bad.npy'))).toThrow(
        /label 0.5 of sample 0 is not a class index/,
      );
      expect(() => loadLabelledArrays(join(dir, 'x.npy'))).toThrow(/the labels are missing/);
      expect(() => loadLabelledArrays(join(dir, 'nope.npy'), join(dir, 'y.npy'))).toThrow(
        /No such file/,
      );
    });
  });
});
