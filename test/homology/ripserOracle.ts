/**
 * Debian Ripser as an oracle for edge collapse: writes distances in Ripser's text formats (9
 * significant digits, so float32 values round-trip), runs it, and parses its barcodes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CondensedDistances, SparseDistances } from '../../src/core/distances.js';

/** Bars per dimension as Ripser prints them ("[b,d)" with d empty for infinite bars), sorted. */
export type RipserBars = string[][];

export function fmt(x: number): string {
  return x.toPrecision(9);
}

export function lowerDistanceText(d: CondensedDistances): string {
  const lines: string[] = [];
  let k = 0;
  for (let i = 0; i < d.n; i++) {
    const row: string[] = [];
    for (let j = 0; j < i; j++) row.push(fmt(d.data[k++]));
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

export function sparseText(s: SparseDistances): string {
  const lines: string[] = [];
  for (let k = 0; k < s.i.length; k++) lines.push(`${s.i[k]} ${s.j[k]} ${fmt(s.values[k])}`);
  return lines.join('\n') + '\n';
}

/** Runs ripser on `text` in `format`, returns stdout. */
export function runRipser(text: string, args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-ripser-'));
  try {
    const file = join(dir, 'input.txt');
    writeFileSync(file, text);
    return execFileSync('ripser', [...args, file], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses Ripser's output into sorted bar strings per dimension. */
export function parseBars(out: string, maxDim: number): RipserBars {
  const bars: RipserBars = [];
  for (let d = 0; d <= maxDim; d++) bars.push([]);
  let dim = -1;
  for (const line of out.split('\n')) {
    const header = /persistence intervals in dim (\d+):/.exec(line);
    if (header) {
      dim = Number(header[1]);
      continue;
    }
    const bar = /^\s*\[([^,]*),([^)]*)\)/.exec(line);
    if (bar && dim >= 0) bars[dim].push(`[${bar[1].trim()},${bar[2].trim()})`);
  }
  for (const b of bars) b.sort();
  return bars;
}

export function ripserLowerDistance(
  d: CondensedDistances,
  maxDim: number,
  threshold: number,
): RipserBars {
  const out = runRipser(lowerDistanceText(d), [
    '--format',
    'lower-distance',
    '--dim',
    String(maxDim),
    '--threshold',
    fmt(threshold),
  ]);
  return parseBars(out, maxDim);
}

/**
 * Ripser infers the number of points from the largest index in a sparse file (it ignores i = j
 * lines), so points above the largest listed index, isolated, are added back as [0, ) bars.
 */
export function ripserSparse(s: SparseDistances, maxDim: number): RipserBars {
  let top = -1;
  for (let k = 0; k < s.i.length; k++) top = Math.max(top, s.i[k], s.j[k]);
  const out =
    s.i.length > 0 ? runRipser(sparseText(s), ['--format', 'sparse', '--dim', String(maxDim)]) : '';
  const bars = parseBars(out, maxDim);
  for (let x = top + 1; x < s.n; x++) bars[0].push('[0,)');
  bars[0].sort();
  return bars;
}
