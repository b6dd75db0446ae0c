import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  diagramFileFormat,
  parseDiagramsFile,
  parseDiagramsJSON,
} from '../../src/cli/commands/distance.js';
import { formatDiagrams } from '../../src/homology/diagramFormats.js';
import { ripsPersistence } from '../../src/homology/rips.js';
import { loadPointCloud } from '../../src/data/load.js';
import { requireTool } from '../helpers/oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-distance-'));
const a = join(dir, 'a.json');
const b = join(dir, 'b.json');
writeFileSync(
  a,
  JSON.stringify([
    {
      dimension: 0,
      bars: [
        [0, 0.5],
        [0, 1.2],
        [0, null],
      ],
    },
    {
      dimension: 1,
      bars: [
        [0.3, 0.9],
        [0.4, 0.6],
      ],
    },
  ]),
);
writeFileSync(
  b,
  JSON.stringify({
    diagrams: [
      {
        dimension: 0,
        bars: [
          [0, 0.6],
          [0, null],
        ],
      },
      { dimension: 1, bars: [[0.35, 1.0]] },
    ],
  }),
);
const cli = (args: string[]) =>
  spawnSync('npx', ['tsx', 'src/cli/main.ts', 'distance', ...args], { encoding: 'utf8' });

describe('topolens distance', () => {
  it('prints the bottleneck distance per dimension', () => {
    const r = cli([a, b]);
    expect(r.status).toBe(0);
    // H0: (0,1.2)->(0,0.6) costs 0.6; H1: (0.3,0.9)->(0.35,1.0) costs 0.1, (0.4,0.6) -> diagonal 0.1
    expect(r.stdout).toMatch(/^H0 {2}bottleneck: 0\.6 {2}\(3 vs 2 bars\)$/m);
    expect(r.stdout).toMatch(/^H1 {2}bottleneck: 0\.0999999999999999\d* /m);
  });
  it('gives Wasserstein with --p/--q, one dimension, the matching, as JSON', () => {
    const out = execFileSync(
      'npx',
      [
        'tsx',
        'src/cli/main.ts',
        'distance',
        a,
        b,
        '--metric',
        'wasserstein',
        '--p',
        '2',
        '--q',
        '2',
        '--dimension',
        '1',
        '--matching',
        '--json',
      ],
      { encoding: 'utf8' },
    );
    const j = JSON.parse(out);
    expect(j.metric).toBe('wasserstein');
    expect(j.distances).toHaveLength(1);
    // sqrt(0.05^2 + 0.1^2 + (0.1 sqrt 2)^2)
    expect(j.distances[0].distance).toBeCloseTo(Math.sqrt(0.0125 + 0.02), 14);
    expect(j.distances[0].matching).toEqual([
      [0, 0],
      [1, -1],
    ]);
  });
  it('refuses an unknown metric and malformed files with a clear message', () => {
    const r = cli([a, b, '--metric', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown --metric 'nope'/);
    expect(() => parseDiagramsJSON('{"x": 1}', 'f.json')).toThrow(/f\.json: expected an array/);
    expect(() => parseDiagramsJSON('[{"dimension": 0, "bars": [[0]]}]', 'f.json')).toThrow(
      /diagram 0/,
    );
    expect(() => parseDiagramsJSON('nope', 'f.json')).toThrow(/not valid JSON/);
  });

  it('reads the CSV and Ripser text that ph --out writes, by extension or by content', () => {
    // b written by the same writer as `topolens ph --out b.csv` / `--out b.txt`
    const db = parseDiagramsJSON(readFileSync(b, 'utf8'), 'b.json');
    const csv = join(dir, 'b.csv');
    const txt = join(dir, 'b.txt');
    const bare = join(dir, 'b-ripser');
    writeFileSync(csv, formatDiagrams(db, 'csv'));
    writeFileSync(txt, formatDiagrams(db, 'ripser'));
    writeFileSync(bare, formatDiagrams(db, 'ripser'));
    expect(formatDiagrams(db, 'csv')).toContain('0,0,inf');
    expect(diagramFileFormat(formatDiagrams(db, 'csv'), 'x')).toBe('csv');
    expect(diagramFileFormat(formatDiagrams(db, 'ripser'), 'x')).toBe('ripser');
    expect(diagramFileFormat('  [{"dimension":0,"bars":[]}]', 'x')).toBe('json');
    for (const file of [csv, txt, bare]) {
      const back = parseDiagramsFile(readFileSync(file, 'utf8'), file);
      expect(back.map((d) => [d.dimension, Array.from(d.births), Array.from(d.deaths)])).toEqual(
        db.map((d) => [d.dimension, Array.from(d.births), Array.from(d.deaths)]),
      );
    }
    // the same distances as from the JSON files, and 0 between a file and its other formats
    const r = cli([a, csv]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^H0 {2}bottleneck: 0\.6 {2}\(3 vs 2 bars\)$/m);
    expect(r.stdout).toMatch(/^H1 {2}bottleneck: 0\.0999999999999999\d* /m);
    const same = cli([txt, csv, '--metric', 'wasserstein', '--json']);
    expect(JSON.parse(same.stdout).distances.map((d: { distance: number }) => d.distance)).toEqual([
      0, 0,
    ]);
  });
  it('names the file when a diagram file is in no known format or malformed', () => {
    expect(() => parseDiagramsFile('hello world\n', 'notes.dat')).toThrow(
      /notes\.dat is not a persistence diagram file[\s\S]*ph --out/,
    );
    expect(() => parseDiagramsFile('dimension,birth,death\n0,zero,1\n', 'd.csv')).toThrow(
      /d\.csv: Line 2 of the diagram CSV/,
    );
    expect(() => parseDiagramsFile(' [0.1,0.2)\n', 'r.txt')).toThrow(
      /r\.txt: Line 1 of the Ripser output has an interval before any "persistence intervals/,
    );
  });

  it("reads what Debian's ripser program prints: 0 to ph's own diagrams up to ripser's 6 digits", (ctx) => {
    requireTool(ctx, 'ripser');
    const cloud = loadPointCloud('examples/data/noisy-circle.csv');
    const points = join(dir, 'circle.txt');
    const rows: string[] = [];
    for (let i = 0; i < cloud.rows; i++) rows.push(`${cloud.data[2 * i]} ${cloud.data[2 * i + 1]}`);
    writeFileSync(points, rows.join('\n') + '\n');
    const printed = execFileSync('ripser', ['--format', 'point-cloud', '--dim', '1', points], {
      encoding: 'utf8',
    });
    const fromRipser = join(dir, 'ripser-stdout'); // no extension: recognised by its content
    writeFileSync(fromRipser, printed);
    const ours = join(dir, 'ours.csv');
    writeFileSync(
      ours,
      formatDiagrams(ripsPersistence(cloud, { maxDimension: 1 }).diagrams, 'csv'),
    );
    const r = cli([ours, fromRipser, '--json']);
    expect(r.status).toBe(0);
    const rows2 = JSON.parse(r.stdout).distances as {
      dimension: number;
      distance: number;
      barsB: number;
    }[];
    expect(rows2.map((d) => [d.dimension, d.barsB])).toEqual([
      [0, 200],
      [1, 18],
    ]);
    for (const d of rows2) expect(d.distance).toBeLessThan(1e-5);
  });
});
