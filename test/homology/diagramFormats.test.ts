import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagram, sortedBars, type PersistenceDiagram } from '../../src/core/diagram.js';
import {
  diagramFormatFromPath,
  diagramsToCSV,
  diagramsToRipserText,
  formatDiagrams,
  parseDiagrams,
  parseRipserOutput,
} from '../../src/homology/diagramFormats.js';
import { requireTool } from '../helpers/oracles.js';

const sample: PersistenceDiagram[] = [
  diagram(0, [
    [0, 0.5],
    [0, Infinity],
  ]),
  diagram(1, [[0.25, 1 / 3]]),
  diagram(2, []),
];

describe('diagram writers', () => {
  it('writes CSV with inf for infinite deaths', () => {
    expect(diagramsToCSV(sample)).toBe(
      'dimension,birth,death\n0,0,0.5\n0,0,inf\n1,0.25,0.3333333333333333\n',
    );
  });

  it("writes Ripser's text with an empty death for infinite bars", () => {
    expect(diagramsToRipserText(sample)).toBe(
      'persistence intervals in dim 0:\n [0,0.5)\n [0, )\npersistence intervals in dim 1:\n [0.25,0.3333333333333333)\npersistence intervals in dim 2:\n',
    );
  });

  it('picks the format from the extension', () => {
    expect(diagramFormatFromPath('out/d.json')).toBe('json');
    expect(diagramFormatFromPath('d.CSV')).toBe('csv');
    expect(diagramFormatFromPath('d.txt')).toBe('ripser');
    expect(() => diagramFormatFromPath('d.xlsx')).toThrow(/\.json.*\.csv.*\.txt/s);
  });

  const barArb = fc.tuple(
    fc.double({ min: 0, max: 10, noNaN: true }),
    fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined }),
  );
  const diagramsArb = fc.array(fc.array(barArb, { maxLength: 6 }), { minLength: 1, maxLength: 3 });

  it('round-trips every format exactly (property)', () => {
    fc.assert(
      fc.property(diagramsArb, (dims) => {
        const ds = dims.map((bars, k) =>
          diagram(
            k,
            bars.map(([b, d]) => [b, d === undefined ? Infinity : b + d] as const),
          ),
        );
        for (const f of ['json', 'csv', 'ripser'] as const) {
          const back = parseDiagrams(formatDiagrams(ds, f), f);
          // CSV cannot list an empty top dimension; the others keep every dimension
          const expected = f === 'csv' ? ds.slice(0, lastNonEmpty(ds) + 1) : ds;
          expect(back.length).toBe(expected.length);
          back.forEach((d, k) => {
            expect(d.dimension).toBe(k);
            expect(Array.from(d.births)).toEqual(Array.from(expected[k].births));
            expect(Array.from(d.deaths)).toEqual(Array.from(expected[k].deaths));
          });
        }
      }),
    );
  });
});

function lastNonEmpty(ds: PersistenceDiagram[]): number {
  let last = -1;
  ds.forEach((d, k) => {
    if (d.births.length > 0) last = k;
  });
  return last;
}

describe('parseRipserOutput', () => {
  it("reads the ripser program's own output (square: 3 finite H0, 1 essential, one H1 bar)", (ctx) => {
    requireTool(ctx, 'ripser');
    const out = execFileSync('ripser', ['--format', 'point-cloud', '--dim', '1'], {
      input: '0,0\n1,0\n1,1\n0,1\n',
      encoding: 'utf8',
    });
    const ds = parseRipserOutput(out);
    expect(ds.length).toBe(2);
    expect(sortedBars(ds[0])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [0, Infinity],
    ]);
    expect(sortedBars(ds[1])).toEqual([[1, 1.41421]]);
  });

  it('ignores cocycle annotations and refuses bars outside a section', () => {
    const ds = parseRipserOutput(
      'persistence intervals in dim 1:\n [1,2): {[1,0] (1), [2,1] (1)}\n',
    );
    expect(ds.length).toBe(2);
    expect(ds[0].births.length).toBe(0);
    expect(sortedBars(ds[1])).toEqual([[1, 2]]);
    expect(() => parseRipserOutput(' [0,1)\n')).toThrow(/Line 1 .* before any/);
    expect(() => parseRipserOutput('persistence intervals in dim 0:\n [a,1)\n')).toThrow(
      /Line 2 of the Ripser output is not an interval/,
    );
  });
});
