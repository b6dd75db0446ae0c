import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findRoot, labelSets, singletonSets } from '../../src/core/disjointSets.js';

/** Components by breadth-first search, labelled in order of first element. */
function componentsByBfs(n: number, edges: Array<[number, number]>): Int32Array {
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    adj[a].push(b);
    adj[b].push(a);
  }
  const label = new Int32Array(n).fill(-1);
  let next = 0;
  for (let s = 0; s < n; s++) {
    if (label[s] >= 0) continue;
    const queue = [s];
    label[s] = next;
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of adj[v]) {
        if (label[w] < 0) {
          label[w] = next;
          queue.push(w);
        }
      }
    }
    next++;
  }
  return label;
}

describe('disjoint sets', () => {
  it('starts with singletons and joins by linking roots', () => {
    const parent = singletonSets(5);
    expect(Array.from(parent)).toEqual([0, 1, 2, 3, 4]);
    parent[findRoot(parent, 0)] = findRoot(parent, 3);
    parent[findRoot(parent, 3)] = findRoot(parent, 4);
    expect(findRoot(parent, 0)).toBe(findRoot(parent, 4));
    expect(findRoot(parent, 1)).not.toBe(findRoot(parent, 0));
    const labels = new Int32Array(5);
    expect(labelSets(parent, labels)).toBe(3);
    expect(Array.from(labels)).toEqual([0, 1, 2, 0, 0]);
  });

  it('labels the same components as a breadth-first search', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }),
            ),
          ),
        ([n, edges]) => {
          const parent = singletonSets(n);
          for (const [a, b] of edges) parent[findRoot(parent, a)] = findRoot(parent, b);
          const labels = new Int32Array(n);
          const bfs = componentsByBfs(n, edges);
          expect(labelSets(parent, labels)).toBe(Math.max(...bfs) + 1);
          expect(Array.from(labels)).toEqual(Array.from(bfs));
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});
