import { describe, expect, it } from 'vitest';
import { covarianceSpectrum, symmetricEigenvaluesQL } from '../../src/linalg/pca.js';
import { symmetricEigen } from '../../src/linalg/symmetricEigen.js';
import { createRng } from '../../src/core/rng.js';

describe('symmetric eigenvalues', () => {
  it('Householder + QL agrees with cyclic Jacobi on random symmetric matrices', () => {
    const rng = createRng(3);
    for (const n of [1, 2, 3, 7, 40]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
      const x = symmetricEigen(a, n).values;
      const y = symmetricEigenvaluesQL(a.slice(), n);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i];
      let sum = 0;
      for (let i = 0; i < n; i++) {
        expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-12 * n);
        sum += y[i];
        if (i > 0) expect(y[i]).toBeLessThanOrEqual(y[i - 1]);
      }
      expect(sum).toBeCloseTo(trace, 10);
    }
  });

  it('finds the eigenvalues of a hand-made matrix', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 and 1; diag(5, -1, 2) itself
    const ev = symmetricEigenvaluesQL(Float64Array.from([2, 1, 1, 2]), 2);
    expect(ev[0]).toBeCloseTo(3, 14);
    expect(ev[1]).toBeCloseTo(1, 14);
    const diag = Float64Array.from([5, 0, 0, 0, -1, 0, 0, 0, 2]);
    expect(Array.from(symmetricEigenvaluesQL(diag, 3))).toEqual([5, 2, -1]);
  });

  it('covariance spectrum is the same through the Gram (m < d) and covariance (m > d) paths', () => {
    const rng = createRng(5);
    const d = 6;
    const data = Float64Array.from({ length: 30 * d }, () => rng.normal());
    const few = Int32Array.from([0, 3, 5, 8]); // 4 rows < 6 columns: Gram path
    const spec = covarianceSpectrum(data, d, few);
    expect(spec.length).toBe(4);
    // same rows duplicated 2x (8 rows > 6 columns: covariance path); the covariance scales by
    // (m - 1) / (2m - 1) between the two
    const twice = Int32Array.from([0, 3, 5, 8, 0, 3, 5, 8]);
    const spec2 = covarianceSpectrum(data, d, twice);
    for (let i = 0; i < 4; i++) expect(spec2[i]).toBeCloseTo((spec[i] * 3 * 2) / 7, 12);
    expect(spec[3]).toBeLessThan(1e-12); // 4 centred points span 3 dimensions
  });
});
