/**
 * Hostile input to the `topolens` command (issue 10): each case gets one clear message, exit
 * code 2 and no output written. Most cases run through main() in this process (fast); the
 * broken pipe and the exit codes of usage errors are checked on a spawned process as well.
 * The tests run as root, where permissions do not stop writes: the unwritable targets are /sys,
 * /proc, a path under an existing file and a folder where a file is needed.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/output.js';
import { parseMemoryLimit } from '../../src/cli/commands/ph.js';
import { createRng } from '../../src/core/rng.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TSX = resolve('node_modules/.bin/tsx');
const MAIN = resolve('src/cli/main.ts');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `topolens ...args` through main() in this process: output, errors and the exit code. */
async function topolens(...args: string[]): Promise<Outcome> {
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
    await main(['node', 'topolens', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = saved;
  }
}

/** One clear message: no stack trace, no "internal error", at most a message and its way out. */
function expectOneMessage(r: Outcome, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

function cloudFile(name: string, n: number, d: number, seed = 1): string {
  const rng = createRng(seed);
  const rows = Array.from({ length: n }, () =>
    Array.from({ length: d }, () => rng.normal().toFixed(5)).join(','),
  );
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

const cloud = cloudFile('cloud.csv', 120, 3);
const plainFile = join(dir, 'plain.txt');
writeFileSync(plainFile, 'not a folder\n');

describe('unwritable outputs: one line naming the path and the reason, exit 2', () => {
  const sys = existsSync('/sys/kernel');
  const proc = existsSync('/proc/self');

  it.runIf(sys)('ph --out into /sys', async () => {
    const r = await topolens('ph', cloud, '--out', '/sys/topolens.json');
    expectOneMessage(r, /cannot write --out \/sys\/topolens\.json: permission denied \(EACCES\)/);
    expect(r.stdout).toBe('');
  });

  it.runIf(proc)('curvature --out into /proc (no new files there)', async () => {
    const r = await topolens('curvature', cloud, '--k', '5', '--out', '/proc/edges.csv');
    expectOneMessage(r, /cannot write --out \/proc\/edges\.csv: .*\(ENOENT\)/);
  });

  it('id --pointwise onto an existing folder (EISDIR)', async () => {
    const r = await topolens('id', cloud, '--method', 'mle', '--k', '5', '--pointwise', dir);
    expectOneMessage(r, /cannot write --pointwise .*: it is a folder, and a file is needed/);
  });

  it('ph --out under an existing file (ENOTDIR)', async () => {
    const r = await topolens('ph', cloud, '--out', join(plainFile, 'd.json'));
    expectOneMessage(r, /cannot write --out .*plain\.txt\/d\.json: .*is a file, not a folder/);
  });

  it('capture --out onto an existing file, before the model is read', async () => {
    const r = await topolens(
      'capture',
      join(dir, 'no-such-model.onnx'),
      '--layers',
      'a',
      '--inputs',
      join(dir, 'no-such-inputs.npy'),
      '--out',
      plainFile,
    );
    expectOneMessage(r, /cannot write --out .*plain\.txt: .*is a file, not a folder \(ENOTDIR\)/);
  });

  it('mapper --out g.json --graphml <folder>: writes neither, keeps an existing g.json', async () => {
    const out = join(dir, 'mapper');
    mkdirSync(join(out, 'g.graphml'), { recursive: true });
    const args = [
      'mapper',
      cloud,
      '--out',
      join(out, 'g.json'),
      '--graphml',
      join(out, 'g.graphml'),
    ];
    let r = await topolens(...args);
    expectOneMessage(r, /cannot write --graphml .*g\.graphml: it is a folder/);
    expect(readdirSync(out)).toEqual(['g.graphml']);
    writeFileSync(join(out, 'g.json'), 'previous');
    r = await topolens(...args);
    expect(r.code).toBe(2);
    expect(readFileSync(join(out, 'g.json'), 'utf8')).toBe('previous');
    expect(readdirSync(out).sort()).toEqual(['g.graphml', 'g.json']);
    // the positive control: writable targets get all three files
    rmSync(join(out, 'g.graphml'), { recursive: true });
    r = await topolens(...args, '--dot', join(out, 'g.dot'));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['g.dot', 'g.graphml', 'g.json']);
    expect(JSON.parse(readFileSync(join(out, 'g.json'), 'utf8')).summary.nodes).toBeGreaterThan(0);
  });
});

describe('compressed input: the declared size against the limit before inflating', () => {
  it('ph refuses an .npz member declaring 3 GB, in one message', async () => {
    const npy = encodeNpyFloat32(new Float32Array(64 * 16), [64, 16]);
    const zip = zipSync({ 'x.npy': npy }, { level: 9 });
    // the central directory's uncompressed size of the member (offset 24 of its header)
    let at = zip.length - 22;
    while (!(zip[at] === 0x50 && zip[at + 1] === 0x4b && zip[at + 2] === 1 && zip[at + 3] === 2))
      at--;
    new DataView(zip.buffer).setUint32(at + 24, 3e9, true);
    const file = join(dir, 'bomb.npz');
    writeFileSync(file, zip);
    const out = join(dir, 'bomb-diagrams.json');
    const r = await topolens('ph', file, '--out', out);
    expectOneMessage(r, /bomb\.npz: member 'x\.npy' declares 2\.79 GiB.*limit of 2\.00 GiB/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('numeric options: bounded, or a cost estimate that says the way out', () => {
  const diagrams = join(dir, 'diagrams.json');
  const bars = Array.from({ length: 3000 }, (_, k) => [k / 3000, k / 3000 + 0.5]);
  writeFileSync(diagrams, JSON.stringify([{ dimension: 0, bars }]));
  const big = cloudFile('big.csv', 3000, 2, 3);

  const cases: [string, string[], RegExp][] = [
    [
      'mapper --intervals 10000000',
      ['mapper', cloud, '--out', join(dir, 'm.json'), '--intervals', '10000000'],
      /--intervals 10000000 gives 1\.00e\+7 cover elements .*Use at most --intervals 120/s,
    ],
    [
      'mapper --overlap 0.999 by cost',
      [
        'mapper',
        big,
        '--out',
        join(dir, 'm.json'),
        '--lens',
        'pca2',
        '--intervals',
        '1000',
        '--overlap',
        '0.999',
      ],
      /--overlap 0\.999 with 1000 intervals puts about 3000 of the 3000 points into each of 1\.00e\+6 cover elements: up to 9\.00e\+12 pairs/s,
    ],
    [
      'mapper --intervals 2.5',
      ['mapper', cloud, '--out', join(dir, 'm.json'), '--intervals', '2.5'],
      /--intervals must be an integer >= 1/,
    ],
    [
      'mapper --min-points 1e9',
      ['mapper', cloud, '--out', join(dir, 'm.json'), '--min-points', '1e9'],
      /--min-points must be an integer in \[1, 120\]/,
    ],
    [
      'mapper --seed -1',
      ['mapper', cloud, '--out', join(dir, 'm.json'), '--seed', '-1'],
      /--seed must be an integer in \[0, 4294967295\]/,
    ],
    [
      'distance --directions 1e9',
      ['distance', diagrams, diagrams, '--metric', 'sliced', '--directions', '1e9'],
      /--directions must be an integer in \[1, 1000000\]/,
    ],
    [
      'distance --directions by cost',
      ['distance', diagrams, diagrams, '--metric', 'sliced', '--directions', '500000'],
      /3000 \+ 3000 bars.*Use at most --directions 166666/s,
    ],
    [
      'distance --p 0.5',
      ['distance', diagrams, diagrams, '--metric', 'wasserstein', '--p', '0.5'],
      /--p must be >= 1/,
    ],
    [
      'ph --maxdim 1000000',
      ['ph', cloud, '--maxdim', '1000000'],
      /--maxdim must be an integer in \[0, 16\]/,
    ],
    [
      'ph --coeff 10^30',
      ['ph', cloud, '--coeff', '1000000000000000000000000000000'],
      /--coeff must be a prime .* up to 65521/,
    ],
    [
      'id --samples 1e7',
      ['id', cloud, '--method', 'phdim', '--samples', '10000000'],
      /--samples must be an integer in \[1, 1000\]/,
    ],
    [
      'id --blocks -1',
      ['id', cloud, '--method', 'twonn', '--blocks', '-1'],
      /--blocks must be an integer in \[0, 1000\]/,
    ],
    [
      'id --threshold 2',
      ['id', cloud, '--method', 'lpca', '--threshold', '2'],
      /--threshold must be a number in/,
    ],
    [
      'curvature --k 2.5',
      ['curvature', cloud, '--k', '2.5'],
      /--k must be an integer in \[1, 100000\]/,
    ],
    [
      'curvature --alpha 3',
      ['curvature', cloud, '--k', '5', '--alpha', '3'],
      /--alpha must be a number in \[0, 1\]/,
    ],
    [
      'curvature ollivier by cost',
      ['curvature', big, '--k', '2999', '--method', 'ollivier'],
      /Ollivier curvature with k = 2999 on 3000 points needs about .*Use k <= 1493/s,
    ],
    [
      'capture --batch-size 1e9',
      [
        'capture',
        'm.onnx',
        '--layers',
        'a',
        '--inputs',
        'x.npy',
        '--out',
        join(dir, 'cap'),
        '--batch-size',
        '1000000000',
      ],
      /--batch-size must be an integer in \[1, 65536\]/,
    ],
    [
      'layers --input-shape huge',
      ['layers', 'm.onnx', '--input-shape', '1,3,100000,100000'],
      /--input-shape .* 3\.00e\+10 input values/,
    ],
  ];
  it.each(cases)('%s', async (_name, args, pattern) => {
    expectOneMessage(await topolens(...args), pattern);
  });
});

describe('the persistence memory guard from the CLI', () => {
  it('parses --memory-limit sizes and shares', () => {
    expect(parseMemoryLimit('8GiB')).toBe(8 * 2 ** 30);
    expect(parseMemoryLimit('512 MiB')).toBe(512 * 2 ** 20);
    expect(parseMemoryLimit('2e9')).toBe(2e9);
    expect(parseMemoryLimit('1.5G')).toBe(1.5e9);
    expect(parseMemoryLimit('50%', 1000)).toBe(500);
    for (const bad of ['', 'lots', '0', '-1GiB', '150%', '8 parsecs']) {
      expect(() => parseMemoryLimit(bad), bad).toThrow(/--memory-limit must be a size/);
    }
  });

  it('refuses with what the run needs and the ways out; runs once the limit allows', async () => {
    // far below: refused at the early check on dimensions 0 and 1, a lower bound
    const early = await topolens('ph', cloud, '--maxdim', '2', '--memory-limit', '1MiB');
    expectOneMessage(
      early,
      /120 points up to dimension 2 is estimated to need at least \d+ MiB of memory \(dimensions 0 and 1 alone\), above the limit of 1 MiB/,
    );
    expect(early.stderr).toMatch(
      /The limit is --memory-limit 1MiB\. Ways out: --memory-limit well above \d+MiB \(this machine has [\d.]+ GiB\); a --threshold below the enclosing radius; --maxdim 1; fewer points/,
    );
    const ok = await topolens('ph', cloud, '--maxdim', '2', '--memory-limit', '1GiB', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    const estimate = JSON.parse(ok.stdout).stats.estimatedMemoryBytes as number;
    expect(estimate).toBeLessThan(2 ** 30);
    // just below the whole estimate: refused with it, and the limit that would do
    const limit = String(estimate - 1);
    const full = await topolens('ph', cloud, '--maxdim', '2', '--memory-limit', limit);
    const mib = Math.ceil(estimate / 2 ** 20);
    expectOneMessage(full, new RegExp(`estimated to need ${mib} MiB of memory, above the limit`));
    expect(full.stderr).toContain(`--memory-limit ${Math.ceil((estimate * 1.1) / 2 ** 20)}MiB`);
    expect(
      (await topolens('ph', cloud, '--maxdim', '2', '--memory-limit', String(estimate))).code,
    ).toBe(0);
  });
});

describe('system errors on input and memory are not internal errors', () => {
  it('a folder given as a diagram file: one message, exit 2', async () => {
    const r = await topolens('distance', dir, dir);
    expectOneMessage(r, /cannot read an input file: it is a folder, not a file \(EISDIR\)/);
  });

  it('an allocation the machine cannot give: exit 2, not a bug report', () => {
    const se = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(reportError(new RangeError('Array buffer allocation failed'))).toBe(2);
      expect(se.mock.calls.join('')).toMatch(/out of memory/);
      expect(reportError(new RangeError('Invalid typed array length: -1'))).toBe(1);
    } finally {
      se.mockRestore();
    }
  });
});

describe('usage errors exit 2; help and version exit 0', () => {
  it.each([
    [['nosuch'], 2, /unknown command 'nosuch'/],
    [['profile', 'model.onnx'], 2, /required option '--inputs <x.npy>' not specified/],
    [['ph', cloud, '--bogus'], 2, /unknown option '--bogus'/],
    [['ph'], 2, /missing required argument 'file'/],
    [['--version'], 0, /^$/],
    [['ph', '--help'], 0, /^$/],
  ] as [string[], number, RegExp][])('%j -> %i', async (args, code, stderr) => {
    const r = await topolens(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('the spawned program exits with those codes too', () => {
    const unknown = spawnSync(TSX, [MAIN, 'nosuch'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'nosuch'/);
    const help = spawnSync(TSX, [MAIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: topolens/);
  });
});

describe('a reader that stops early', () => {
  it('ph --json | head -c 100: exits 0 without a broken-pipe trace', () => {
    // far more JSON than a pipe buffers (64 KiB), so the writer meets the closed pipe
    const points = cloudFile('pipe.csv', 3000, 1, 5);
    const r = spawnSync(
      'bash',
      [
        '-c',
        'set -o pipefail; "$0" "$1" ph "$2" --maxdim 0 --threshold 0.001 --json | head -c 100 >/dev/null',
        TSX,
        MAIN,
        points,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.status).toBe(0);
  });
});
