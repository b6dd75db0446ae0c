/** Seeded test clouds and a brute-force DBSCAN reference for the Mapper tests. */
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';

/** A few Gaussian blobs plus uniform background noise, in d dimensions. */
export function blobsWithNoise(n: number, d: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  const centres = Array.from({ length: 4 }, () =>
    Array.from({ length: d }, () => rng.normal() * 6),
  );
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const background = rng.next() < 0.15;
    const c = centres[rng.int(centres.length)];
    for (let t = 0; t < d; t++) {
      data[i * d + t] = background ? (rng.next() - 0.5) * 24 : c[t] + rng.normal();
    }
  }
  return { data, rows: n, cols: d };
}

/**
 * Brute-force DBSCAN with topolens' documented rules: core = at least minPoints points within
 * eps (self included); clusters = connected core points; a border point joins the cluster of
 * its nearest core point (ties: smaller index); clusters numbered by their first core point.
 */
export function naiveDbscan(
  cloud: Matrix,
  indices: ArrayLike<number>,
  eps: number,
  minPoints: number,
): { labels: Int32Array; core: Uint8Array } {
  const m = indices.length;
  const d = cloud.cols;
  const dist = (a: number, b: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = cloud.data[indices[a] * d + t] - cloud.data[indices[b] * d + t];
      s += diff * diff;
    }
    return Math.sqrt(s);
  };
  const D: number[][] = Array.from({ length: m }, (_, a) =>
    Array.from({ length: m }, (_, b) => dist(a, b)),
  );
  const core = new Uint8Array(m);
  for (let a = 0; a < m; a++) {
    let c = 0;
    for (let b = 0; b < m; b++) if (D[a][b] <= eps) c++;
    if (c >= minPoints) core[a] = 1;
  }
  const labels = new Int32Array(m).fill(-1);
  let next = 0;
  for (let a = 0; a < m; a++) {
    if (!core[a] || labels[a] >= 0) continue;
    const stack = [a];
    labels[a] = next;
    while (stack.length) {
      const x = stack.pop()!;
      for (let b = 0; b < m; b++) {
        if (core[b] && labels[b] < 0 && D[x][b] <= eps) {
          labels[b] = next;
          stack.push(b);
        }
      }
    }
    next++;
  }
  for (let a = 0; a < m; a++) {
    if (core[a]) continue;
    let best = -1;
    for (let b = 0; b < m; b++) {
      if (core[b] && D[a][b] <= eps && (best < 0 || D[a][b] < D[a][best])) best = b;
    }
    if (best >= 0) labels[a] = labels[best];
  }
  return { labels, core };
}

/** Distance to the k-th nearest other point, brute force. */
export function naiveKth(
  cloud: Matrix,
  indices: ArrayLike<number>,
  local: number,
  k: number,
): number {
  const d = cloud.cols;
  const ds: number[] = [];
  for (let b = 0; b < indices.length; b++) {
    if (b === local) continue;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = cloud.data[indices[local] * d + t] - cloud.data[indices[b] * d + t];
      s += diff * diff;
    }
    ds.push(Math.sqrt(s));
  }
  ds.sort((x, y) => x - y);
  return ds[k - 1];
}

/** True when two labelings define the same partition with the same noise (-1) points. */
export function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if (a[i] < 0 !== b[i] < 0) return false;
    if (a[i] < 0) continue;
    if (ab.has(a[i]) && ab.get(a[i]) !== b[i]) return false;
    if (ba.has(b[i]) && ba.get(b[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}
