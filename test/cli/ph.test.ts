/**
 * `topolens ph` end to end: the CLI is spawned (`tsx src/cli/main.ts ph ...`, as `npx tsx` runs it) in a
 * temporary folder; its diagrams are checked against Debian's ripser on the same file.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { sortedBars, type PersistenceDiagram } from '../../src/core/diagram.js';
import { parseDiagrams, parseRipserOutput } from '../../src/homology/diagramFormats.js';
import { hasTool, requireTool, runPython } from '../helpers/oracles.js';

const run = promisify(execFile);
const MAIN = resolve('src/cli/main.ts');
/** `npx tsx` without npm's own warnings on stderr */
const TSX = resolve('node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'topolens-ph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(resolve('examples/data/noisy-circle.csv'), join(dir, 'circle.csv'));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function ph(...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(TSX, [MAIN, 'ph', ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs `topolens ph ...` through main() in this process, capturing stdout, stderr and the exit code. */
async function inProcess(...args: string[]): Promise<Outcome> {
  const cwd = process.cwd();
  const saved = process.exitCode;
  const out: string[] = [];
  const err: string[] = [];
  const so = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s) => (out.push(String(s)), true));
  const se = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((s) => (err.push(String(s)), true));
  process.exitCode = 0;
  try {
    process.chdir(dir);
    await main(['node', 'topolens', 'ph', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(cwd);
    so.mockRestore();
    se.mockRestore();
    process.exitCode = saved;
  }
}

/** Bars equal to Ripser's printed values (6 significant digits). */
function expectSameBars(ours: PersistenceDiagram[], ripser: PersistenceDiagram[]): void {
  expect(ours.length).toBe(ripser.length);
  ours.forEach((d, k) => {
    const a = sortedBars(d);
    const b = sortedBars(ripser[k]);
    expect(a.length, `H${k} bar count`).toBe(b.length);
    a.forEach(([birth, death], i) => {
      expect(Math.abs(birth - b[i][0])).toBeLessThanOrEqual(1e-5 * Math.max(1, b[i][0]));
      if (death === Infinity) expect(b[i][1]).toBe(Infinity);
      else expect(Math.abs(death - b[i][1])).toBeLessThanOrEqual(1e-5 * Math.max(1, b[i][1]));
    });
  });
}

describe('topolens ph', () => {
  it('prints a summary with one long H1 bar on the noisy circle and writes Ripser-identical diagrams', async (ctx) => {
    requireTool(ctx, 'ripser');
    const [text, json] = await Promise.all([
      ph('circle.csv', '--out', 'out/d.txt'),
      ph('circle.csv', '--json', '--out', 'd.csv'),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/input: +point cloud, 200 points in dimension 2 \(circle\.csv/);
    expect(text.stdout).toMatch(/threshold: +1\.956 \(enclosing radius\)/);
    expect(text.stdout).toMatch(/H0: 199 finite bars, 1 infinite/);
    expect(text.stdout).toMatch(
      /H1: \d+ finite bars, 0 infinite\n +most persistent: \[0\.19, 1\.596\) \(1\.406\)/,
    );
    expect(text.stdout).toMatch(/time: .* peak memory \d+ MiB/);
    expect(text.stdout).toMatch(/wrote: +out\/d\.txt/);

    const csvLines = readFileSync(join(dir, 'circle.csv'), 'utf8').split('\n').slice(2).join('\n');
    const ripser = parseRipserOutput(
      execFileSync('ripser', ['--format', 'point-cloud', '--dim', '1'], {
        input: csvLines,
        encoding: 'utf8',
      }),
    );
    const fromTxt = parseDiagrams(readFileSync(join(dir, 'out', 'd.txt'), 'utf8'), 'ripser');
    expectSameBars(fromTxt, ripser);

    // --json: stdout is one JSON document and nothing else
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.input).toMatchObject({
      kind: 'point-cloud',
      points: 200,
      dimension: 2,
      format: 'point-cloud',
    });
    expect(result.summary[1].infinite).toBe(0);
    expect(result.summary[0]).toMatchObject({ finite: 199, infinite: 1 });
    expect(
      result.diagrams[0].bars.filter((b: [number, number | null]) => b[1] === null).length,
    ).toBe(1);
    expect(result.timings.totalMs).toBeGreaterThan(0);
    expect(result.peakMemoryBytes).toBeGreaterThan(1e6);
    const fromCsv = parseDiagrams(readFileSync(join(dir, 'd.csv'), 'utf8'), 'csv');
    expectSameBars(fromCsv, ripser);
    const fromJsonStdout = parseDiagrams(JSON.stringify(result.diagrams), 'json');
    expectSameBars(fromJsonStdout, ripser);
  });

  it('reads lower-distance input, --out .json, and cosine distances from an .npz array', async (ctx) => {
    requireTool(ctx, 'ripser');
    requireTool(ctx, 'numpy');
    // the lower-distance matrix of 30 random points, written by NumPy
    if (hasTool('numpy')) {
      runPython(`
import numpy as np
rng = np.random.default_rng(5)
x = rng.normal(size=(30, 4))
d = np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1))
with open('${dir}/m.ldm', 'w') as f:
    for i in range(1, 30):
        f.write(','.join(repr(float(v)) for v in d[i, :i]) + '\\n')
np.savez('${dir}/acts.npz', layer1=x.astype(np.float32), labels=np.arange(30))`);
    }
    const ldm = await inProcess('m.ldm', '--maxdim', '2', '--out', 'm.json', '--json');
    const npz = await inProcess('acts.npz', '--array', 'layer1', '--metric', 'cosine', '--json');
    expect(ldm.code).toBe(0);
    const ref = parseRipserOutput(
      execFileSync('ripser', ['--format', 'lower-distance', '--dim', '2', join(dir, 'm.ldm')], {
        encoding: 'utf8',
      }),
    );
    expectSameBars(parseDiagrams(readFileSync(join(dir, 'm.json'), 'utf8'), 'json'), ref);
    // --threads auto (the default) and a number of threads give the same bars
    for (const threads of ['auto', '2']) {
      const out = `m-${threads}.json`;
      const r = await inProcess('m.ldm', '--maxdim', '2', '--threads', threads, '--out', out);
      expect(r.code, `--threads ${threads}`).toBe(0);
      expectSameBars(parseDiagrams(readFileSync(join(dir, out), 'utf8'), 'json'), ref);
    }
    expect(JSON.parse(ldm.stdout).input).toMatchObject({ kind: 'distance-matrix', points: 30 });
    expect(npz.code).toBe(0);
    const r = JSON.parse(npz.stdout);
    expect(r.input).toMatchObject({
      kind: 'point-cloud',
      points: 30,
      dimension: 4,
      metric: 'cosine',
    });
    // cosine distances lie in [0, 2]
    for (const d of r.diagrams) for (const [, e] of d.bars) expect(e === null || e <= 2).toBe(true);
  });

  it('reads sparse, full distance and JSON inputs, and prints cocycles with --cocycles, as ripser does', async (ctx) => {
    requireTool(ctx, 'ripser');
    const sparse = '1 0 1\n2 1 1\n3 2 1\n0 3 1\n0 2 1.5\n';
    const dist = '0 1 1 1.4\n1 0 1.4 1\n1 1.4 0 1\n1.4 1 1 0\n';
    writeFileSync(join(dir, 'g.sparse'), sparse);
    writeFileSync(join(dir, 'sq.dist'), dist);
    writeFileSync(
      join(dir, 'sq.json'),
      JSON.stringify({
        points: [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      }),
    );
    for (const [file, format, input] of [
      ['g.sparse', 'sparse', sparse],
      ['sq.dist', 'distance', dist],
    ] as const) {
      const o = await inProcess(file, '--json');
      expect(o.code, o.stderr).toBe(0);
      const ref = parseRipserOutput(
        execFileSync('ripser', ['--format', format, '--dim', '1'], { input, encoding: 'utf8' }),
      );
      expectSameBars(parseDiagrams(o.stdout, 'json'), ref);
    }
    const sparseRun = JSON.parse((await inProcess('g.sparse', '--json')).stdout);
    expect(sparseRun.input).toMatchObject({ kind: 'sparse-distances', points: 4, edges: 5 });
    const withCocycles = await inProcess('sq.json', '--cocycles', '--json', '--out', 'sq-out.json');
    expect(withCocycles.code, withCocycles.stderr).toBe(0);
    const r = JSON.parse(withCocycles.stdout);
    expect(r.diagrams[1].bars).toEqual([[1, Math.fround(Math.SQRT2)]]);
    // the H1 class of the square: a cocycle on edges (pairs of vertices) with Z/2 coefficients
    const cocycle = r.diagrams[1].cocycles[0];
    expect(cocycle.simplices.length % 2).toBe(0);
    expect(cocycle.simplices.length).toBeGreaterThan(0);
    expect(cocycle.coefficients.every((c: number) => c === 1)).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, 'sq-out.json'), 'utf8'));
    expect(saved[1].cocycles).toEqual(r.diagrams[1].cocycles);
  });

  it("--summary prints each dimension's lifespan sum, mean lifespan, entropy and max persistence", async () => {
    const j = await inProcess('circle.csv', '--summary', '--json');
    expect(j.code).toBe(0);
    const r = JSON.parse(j.stdout) as {
      diagrams: { dimension: number; bars: [number, number | null][] }[];
      descriptors: {
        dimension: number;
        lifespanSum: number;
        meanLifespan: number;
        maxPersistence: number;
      }[];
    };
    for (const d of r.diagrams) {
      const finite = d.bars.filter(([, e]) => e !== null).map(([b, e]) => (e as number) - b);
      const row = r.descriptors[d.dimension];
      const sum = finite.reduce((x, y) => x + y, 0);
      expect(row.lifespanSum).toBeCloseTo(sum, 12);
      expect(row.meanLifespan).toBeCloseTo(sum / d.bars.length, 12);
      expect(row.maxPersistence).toBe(Math.max(0, ...finite));
    }
    const t = await inProcess('circle.csv', '--summary');
    expect(t.stdout).toMatch(/descriptors \(finite bars/);
    expect(t.stdout).toMatch(/\n\s+H1\s+1\.568\s+0\.08714\s+0\.5991\s+1\.406\n/);
  });

  it('fails with exit code 2, one clear message and no output file on every bad input', async () => {
    writeFileSync(join(dir, 'ragged.csv'), 'x,y\n1,2\n3\n');
    writeFileSync(join(dir, 'nan.csv'), '1,2\n3,nan\n');
    writeFileSync(join(dir, 'empty.csv'), '# nothing\n');
    writeFileSync(join(dir, 'asym.dist'), '0 1\n2 0\n');
    writeFileSync(join(dir, 'bad.ldm'), '1 2 3 4\n');
    writeFileSync(join(dir, 'pts.bin'), '1,2\n');
    const cases: [string[], RegExp][] = [
      [['ragged.csv'], /Line 3 of ragged\.csv has 1 values, but line 2 has 2/],
      [['nan.csv'], /nan at line 2, column 2 of nan\.csv/],
      [['empty.csv'], /empty\.csv is empty/],
      [['missing.csv'], /No such file: missing\.csv/],
      [['asym.dist'], /asym\.dist is not symmetric: row 2, column 1 is 2 but row 1, column 2 is 1/],
      [['bad.ldm'], /bad\.ldm has 4 values, which is not n\(n-1\)\/2/],
      [['pts.bin'], /Cannot tell the format of pts\.bin/],
      [['circle.csv', '--format', 'xls'], /Unknown input format 'xls'/],
      [['circle.csv', '--maxdim', '-1'], /--maxdim must be an integer in \[0, 16\], got '-1'/],
      [['circle.csv', '--maxdim', '40'], /--maxdim must be an integer in \[0, 16\], got '40'/],
      [['circle.csv', '--coeff', '4'], /--coeff must be a prime/],
      [['circle.csv', '--threshold', 'abc'], /--threshold must be a non-negative number/],
      [
        ['circle.csv', '--metric', 'manhattan'],
        /--metric must be one of euclidean, cosine, correlation/,
      ],
      [['circle.csv', '--collapse', 'maybe'], /--collapse must be one of auto, on, off/],
      [['m.ldm', '--metric', 'cosine'], /--metric cosine applies to point clouds/],
      [['circle.csv', '--maxdim', '16'], /C\(200, 18\).*beyond 2\^53/],
      [['circle.csv', '--bogus'], /unknown option '--bogus'/],
      [['circle.csv', '--threads', '0'], /--threads must be an integer >= 1, got '0'/],
      [['circle.csv', '--threads', 'all'], /--threads must be an integer >= 1, got 'all'/],
    ];
    // every case in-process through the CLI's main() (fast), a sample of them spawned too
    const outcomes: Outcome[] = [];
    for (let k = 0; k < cases.length; k++) {
      outcomes.push(await inProcess(...cases[k][0], '--out', `bad${k}.json`));
    }
    const spawned = [0, 9, 15];
    for (let k = 0; k < spawned.length; k += 2) {
      const batch = spawned.slice(k, k + 2);
      const results = await Promise.all(
        batch.map((c) => ph(...cases[c][0], '--out', `bad${c}.json`)),
      );
      batch.forEach((c, j) => {
        expect(results[j].code, 'spawned ' + cases[c][0].join(' ')).toBe(2);
        expect(results[j].stderr).toBe(outcomes[c].stderr);
        expect(results[j].stdout).toBe('');
      });
    }
    outcomes.forEach((o, k) => {
      const [args, pattern] = cases[k];
      expect(o.code, args.join(' ')).toBe(2);
      expect(o.stdout, args.join(' ')).toBe('');
      expect(o.stderr, args.join(' ')).toMatch(pattern);
      expect(o.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
      // the message is one line, optionally followed by one indented hint line
      const lines = o.stderr.trimEnd().split('\n');
      expect(lines.length, o.stderr).toBeLessThanOrEqual(2);
      if (lines.length === 2) expect(lines[1]).toMatch(/^ {2}\S|^\(run with --help/);
      expect(existsSync(join(dir, `bad${k}.json`)), args.join(' ')).toBe(false);
    });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
