/**
 * The fixture cases (test/fixtures/ph) on which Ripser is slow on the full cloud but Ripser on
 * our collapsed edges is fast: the barcodes must equal the published fixture barcodes bar for
 * bar (relative 1e-5; Ripser prints 6 significant digits).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collapseEdges } from '../../src/homology/edgeCollapse.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { enclosingRadius } from '../../src/core/distances.js';
import { requireTool } from '../helpers/oracles.js';
import { ripserSparse } from './ripserOracle.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'ph');

function readCloud(name: string) {
  const lines = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8')
    .trim()
    .split('\n');
  const cols = lines[0].trim().split(/\s+/).length;
  const data = new Float32Array(lines.length * cols);
  lines.forEach((l, i) =>
    l
      .trim()
      .split(/\s+/)
      .forEach((v, j) => (data[i * cols + j] = Number(v))),
  );
  return { data, rows: lines.length, cols };
}

/** "[b,d)" strings to sorted [birth, death] pairs per dimension. */
function numeric(bars: string[][]): number[][][] {
  return bars.map((dim) =>
    dim
      .map((s) => {
        const [b, d] = s.slice(1, -1).split(',');
        return [Number(b), d === '' ? Infinity : Number(d)];
      })
      .sort((p, q) => p[0] - q[0] || p[1] - q[1]),
  );
}

function fixtureBars(file: string, maxDim: number): number[][][] {
  const bars: string[][] = Array.from({ length: maxDim + 1 }, () => []);
  let dim = -1;
  for (const line of readFileSync(join(FIXTURES, file), 'utf8').split('\n')) {
    const h = /persistence intervals in dim (\d+):/.exec(line);
    if (h) dim = Number(h[1]);
    const b = /^\s*\[([^,]*),([^)]*)\)/.exec(line);
    if (b && dim >= 0) bars[dim].push(`[${b[1].trim()},${b[2].trim()})`);
  }
  return numeric(bars);
}

function expectClose(got: number[][][], want: number[][][]): void {
  const close = (a: number, b: number) =>
    a === b || Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b));
  expect(got.map((d) => d.length)).toEqual(want.map((d) => d.length));
  for (let d = 0; d < want.length; d++) {
    for (let k = 0; k < want[d].length; k++) {
      const ok = close(got[d][k][0], want[d][k][0]) && close(got[d][k][1], want[d][k][1]);
      if (!ok) expect(got[d][k], `dim ${d} bar ${k}`).toEqual(want[d][k]);
    }
  }
}

const cases: [string, number, string, string | null, number][] = [
  // cloud, maxdim, threshold kind, threshold, Ripser's time on the full cloud (s)
  ['sphere3', 2, 'median', '1.416', 127.32],
  ['torus4', 2, 'q10', '1.075', 6.09],
  ['circles2', 1, 'q10', '0.4095', 1.54],
  ['circles2', 1, 'median', '0.9745', 106.25],
];

describe('collapse on the fixture clouds, checked with Ripser on the collapsed edges', () => {
  for (const [cloud, maxDim, kind, t, ripserSeconds] of cases) {
    it(`${cloud} dim ${maxDim} at ${kind} (Ripser on the full cloud: ${ripserSeconds} s)`, (ctx) => {
      requireTool(ctx, 'ripser');
      const d = pairwiseDistances(readCloud(cloud));
      const threshold = t === null ? enclosingRadius(d) : Math.fround(Number(t));
      const result = collapseEdges(d, { threshold });
      expect(result.keptEdges).toBeLessThan(result.inputEdges / 10);
      const got = numeric(ripserSparse(result.edges, maxDim));
      expectClose(got, fixtureBars(`${cloud}_dim${maxDim}_${kind}.barcode.txt`, maxDim));
    });
  }
});
