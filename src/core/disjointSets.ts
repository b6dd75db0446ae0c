/**
 * Disjoint sets (union-find) over 0..n-1 stored as a parent array: each set is a tree whose
 * root is its own parent. Callers choose which root survives a union (the Rips engine links by
 * rank, others simply link one root under the other), so only the two primitives are shared.
 */

/** A parent array with every element in its own set. */
export function singletonSets(n: number): Int32Array {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  return parent;
}

/** The root of x's set, halving the path on the way (each visited node skips to its
 * grandparent), which keeps later finds nearly constant time. */
export function findRoot(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/** Labels each element's set 0, 1, ... in the order of each set's first element; returns the
 * number of sets. */
export function labelSets(parent: Int32Array, labels: Int32Array): number {
  const n = parent.length;
  const rootLabel = new Int32Array(n).fill(-1);
  let count = 0;
  for (let v = 0; v < n; v++) {
    const r = findRoot(parent, v);
    if (rootLabel[r] < 0) rootLabel[r] = count++;
    labels[v] = rootLabel[r];
  }
  return count;
}
