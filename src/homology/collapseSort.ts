/**
 * Stable ascending order of non-negative floating-point edge values, by LSD radix sort on their
 * IEEE-754 bit patterns (monotone for non-negative numbers). Private helper of edge collapse:
 * 2 passes of 16 bits for float32 values, 4 for float64, O(m) time and memory.
 */
import type { FloatArray } from '../core/matrix.js';

/**
 * Returns the indices 0..m-1 ordered by ascending `values[k]`, ties in index order. Every value
 * must be finite or +Infinity, and >= 0 with -0 written as +0 (callers normalise).
 */
export function ascendingOrder(values: FloatArray): Int32Array {
  const m = values.length;
  let order = new Int32Array(m);
  for (let k = 0; k < m; k++) order[k] = k;
  if (m < 2) return order;
  const words = new Uint32Array(values.buffer, values.byteOffset, values.byteLength >>> 2);
  const stride = values instanceof Float32Array ? 1 : 2;
  let next = new Int32Array(m);
  const count = new Int32Array(65537);
  // Little-endian word order: for float64 the low word comes first, so passes go word 0, 1, ...
  for (let word = 0; word < stride; word++) {
    for (let shift = 0; shift < 32; shift += 16) {
      count.fill(0);
      for (let k = 0; k < m; k++) count[((words[k * stride + word] >>> shift) & 0xffff) + 1]++;
      if (count[((words[word] >>> shift) & 0xffff) + 1] === m) continue; // one digit value: no-op
      for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
      for (let r = 0; r < m; r++) {
        const k = order[r];
        next[count[(words[k * stride + word] >>> shift) & 0xffff]++] = k;
      }
      const t = order;
      order = next;
      next = t;
    }
  }
  return order;
}
