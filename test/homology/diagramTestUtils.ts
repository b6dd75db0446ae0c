/** Shared helpers of the diagram tests: random diagrams and GUDHI calls. */
import fc from 'fast-check';
import { diagram, type PersistenceDiagram } from '../../src/core/diagram.js';
import { createRng } from '../../src/core/rng.js';
import { runPython } from '../helpers/oracles.js';

/** Uniform diagram: births in [0, 1), lifespans in [0, 1). */
export function uniformDiagram(n: number, seed: number, dimension = 1): PersistenceDiagram {
  const rng = createRng(seed);
  const bars: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const b = rng.next();
    bars.push([b, b + rng.next()]);
  }
  return diagram(dimension, bars);
}

/** Realistic H1-like diagram: most bars near the diagonal (exponential lifespans), a few long. */
export function nearDiagonalDiagram(n: number, seed: number, dimension = 1): PersistenceDiagram {
  const rng = createRng(seed);
  const bars: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const b = rng.next();
    const long = rng.next() < 0.03;
    const l = long ? 0.3 + 0.5 * rng.next() : -0.02 * Math.log(1 - rng.next());
    bars.push([b, b + l]);
  }
  return diagram(dimension, bars);
}

/** fast-check arbitrary of small diagrams with finite bars (lifespans may be 0). */
export const arbDiagram = (maxBars = 12): fc.Arbitrary<PersistenceDiagram> =>
  fc
    .array(
      fc.tuple(
        fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: 0, max: 4, noNaN: true, noDefaultInfinity: true }),
      ),
      { maxLength: maxBars },
    )
    .map((pairs) =>
      diagram(
        1,
        pairs.map(([b, l]) => [b, b + l] as [number, number]),
      ),
    );

/** Bars as JSON-able pairs with null for infinity. */
export function toPairs(d: PersistenceDiagram): [number, number | null][] {
  return Array.from(d.births, (b, i) => [b, d.deaths[i] === Infinity ? null : d.deaths[i]]);
}

/** Runs a GUDHI snippet over a list of cases; `body` computes `out` from `a`, `b`, `case`. */
export function gudhiBatch<T>(cases: unknown[], body: string): T[] {
  const code = `
import sys, json, numpy as np, gudhi, warnings
warnings.simplefilter('ignore')
from gudhi.wasserstein import wasserstein_distance
def arr(bars):
    return np.array([[b, np.inf if d is None else d] for b, d in bars], dtype=float).reshape(-1, 2)
res = []
for case in json.load(sys.stdin):
    a = arr(case.get('a', []))
    b = arr(case.get('b', []))
${body
  .split('\n')
  .map((l) => '    ' + l)
  .join('\n')}
    res.append(out)
print(json.dumps(res, allow_nan=True))
`;
  return JSON.parse(
    runPython(code, JSON.stringify(cases)).replace(/\bInfinity\b/g, '1e999'),
  ) as T[];
}

export function relClose(x: number, y: number, tol: number): boolean {
  if (x === y) return true;
  return Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));
}
