import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/output.js';
import { createRng } from '../../src/core/rng.js';
import { readCloud } from '../../src/cli/commands/_readCloud.js';
import { requireTool, runPython } from '../helpers/oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-graph-'));

function writeText(name: string, n: number, d: number, seed: number, f = (v: number) => v): string {
  const rng = createRng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(Array.from({ length: d }, () => f(rng.normal())).join(' '));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function run(args: string[]): Promise<{ out: string; code: number }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let code = 0;
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'topolens', ...args]);
  } catch (err) {
    code = reportError(err);
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  return { out, code };
}

afterEach(() => vi.restoreAllMocks());

describe('CLI: curvature, ricci, similarity', () => {
  const a = writeText('a.txt', 60, 3, 1);
  const b = writeText('b.txt', 60, 3, 2, (v) => Math.max(0, v));
  it('curvature --json prints totals and writes per-edge CSV', async () => {
    const out = join(dir, 'edges.csv');
    const r = await run(['curvature', a, '--k', '5', '--method', 'forman', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('from,to,curvature');
    expect(csv.length - 1).toBe(j.edges);
    const sum = csv.slice(1).reduce((s, line) => s + Number(line.split(',')[2]), 0);
    expect(sum).toBe(j.total);
  });
  it('curvature with ollivier and directed graph prints a summary', async () => {
    const r = await run([
      'curvature',
      a,
      '--k',
      '4',
      '--method',
      'ollivier',
      '--graph',
      'directed',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ollivier curvature, directed kNN graph \(k = 4\) of 60 points in R\^3/);
  });
  it('ricci prints the per-layer table and rho', async () => {
    const c = writeText('c.txt', 60, 3, 3);
    const r = await run(['ricci', a, b, c, a, b, c, '--k', '8']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/layer\s+edges\s+components\s+Ric_l\s+g_l\s+eta_l/);
    expect(r.out).toMatch(/rho = Pearson\(Ric_l, eta_l\), l = 0\.\.4: -?\d\.\d{4}/);
    const j = JSON.parse((await run(['ricci', a, b, c, a, b, c, '--k', '8', '--json'])).out);
    expect(j.layers.length).toBe(6);
    expect(j.eta.length).toBe(5);
  });
  it('similarity methods print their kind', async () => {
    expect((await run(['similarity', a, a, '--method', 'cka'])).out).toBe(
      'cka-linear (similarity): 1.000000\n',
    );
    const p = JSON.parse((await run(['similarity', a, b, '--method', 'procrustes', '--json'])).out);
    expect(p.kind).toBe('distance');
  });
  it('bad input gives a clear message and exit code 2', async () => {
    const short = writeText('short.txt', 40, 3, 4);
    const r = await run(['ricci', a, short, '--k', '5']);
    expect(r.code).toBe(2);
    expect((await run(['curvature', a, '--k', '60'])).code).toBe(2);
    expect((await run(['similarity', a, b, '--method', 'nope'])).code).toBe(2);
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  });
  it('reads .npy float32 and float64 written by NumPy', (ctx) => {
    requireTool(ctx, 'numpy');
    const p32 = join(dir, 'x32.npy');
    const p64 = join(dir, 'x64.npy');
    runPython(
      `import numpy as np\nx = np.arange(12).reshape(4, 3) / 8\nnp.save('${p32}', x.astype(np.float32))\nnp.save('${p64}', x)`,
    );
    for (const p of [p32, p64]) {
      const m = readCloud(p);
      expect([m.rows, m.cols]).toEqual([4, 3]);
      expect(Array.from(m.data)).toEqual(Array.from({ length: 12 }, (_, i) => i / 8));
    }
  });
});
