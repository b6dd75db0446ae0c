import { describe, expect, it } from 'vitest';
import { mapperStudy } from '../../src/study/mapperStudy.js';
import { gaussianCloud, network, stackRows } from './helpers.js';
import type { Matrix } from '../../src/core/matrix.js';

const m = 60;
const blob = (x: number, y: number, seed: number): Matrix => {
  const g = gaussianCloud(m, 2, 0, seed);
  for (let i = 0; i < m; i++) {
    g.data[2 * i] += x;
    g.data[2 * i + 1] += y;
  }
  return g;
};
const labels = Int32Array.from({ length: 3 * m }, (_, i) => Math.floor(i / m));
// Three classes: together at layer 0; class 2 leaves at layer 1; classes 0 and 1 part at layer 2.
const net = network(
  'branching',
  [
    stackRows([blob(5, 5, 1), blob(5, 5, 2), blob(5, 5, 3)]),
    stackRows([blob(5, 5, 4), blob(5, 5, 5), blob(30, 30, 6)]),
    stackRows([blob(5, 5, 7), blob(15, 15, 8), blob(30, 30, 9)]),
  ],
  labels,
);

describe('mapperStudy', () => {
  it('finds the depth at which each pair of classes branches apart', () => {
    const result = mapperStudy(net);
    expect(result.classes).toEqual([0, 1, 2]);
    expect(result.layers.map((l) => l.depth)).toEqual([1 / 3, 2 / 3, 1]);
    const at = (a: number, b: number) =>
      result.branching.find((p) => p.classes[0] === a && p.classes[1] === b)!;
    expect(at(0, 2).branchDepth).toBeCloseTo(2 / 3, 15);
    expect(at(1, 2).branchLayer).toBe('layer1');
    expect(at(0, 1).branchLayer).toBe('layer2');
    expect(result.layers[0].separatedShare).toBe(0);
    expect(result.layers[1].separatedShare).toBeCloseTo(2 / 3, 15);
    expect(result.layers[2].separatedShare).toBe(1);
    expect(result.layers[2].purity).toBe(1);
    expect(result.layers[0].purity!).toBeLessThan(0.9);
    // within layer 1 classes 0 and 1 share nodes along the whole lens range they occupy
    const p01 = result.layers[1].pairs[0];
    expect(p01.sharedNodes).toBeGreaterThan(0);
    expect(p01.sharedUntil!).toBeGreaterThan(p01.sharedFrom!);
    expect(JSON.parse(JSON.stringify(result)).layers[2].nodes).toBe(result.layers[2].nodes);
  });

  it('maps only the chosen layers; a pair that never parts has no branch depth', () => {
    const result = mapperStudy(net, { layers: ['layer1', 'layer0'], mapper: { seed: 3 } });
    expect(result.layers.map((l) => l.layer)).toEqual(['layer0', 'layer1']);
    expect(result.branching[0].branchDepth).toBeNull();
    expect(() => mapperStudy(net, { layers: ['x'] })).toThrow(/no layer named 'x'/);
    expect(() => mapperStudy(network('bare', [blob(0, 0, 1)]))).toThrow(/has no labels/);
  });
});
