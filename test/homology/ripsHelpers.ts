/**
 * Helpers for the Rips tests: reading fixture clouds and Ripser's text output, and comparing
 * diagrams bar for bar.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { PersistenceDiagram } from '../../src/core/diagram.js';
import type { Matrix } from '../../src/core/matrix.js';

export const FIXTURES = new URL('../fixtures/ph/', import.meta.url).pathname;

/** A cloud file: one point per line, coordinates separated by spaces. */
export function readCloud(name: string): Matrix<Float64Array> {
  const lines = readFileSync(FIXTURES + name, 'utf8')
    .trim()
    .split('\n');
  const rows = lines.map((l) =>
    l
      .trim()
      .split(/[\s,]+/)
      .map(Number),
  );
  const d = rows[0].length;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, i) => r.forEach((v, j) => (data[i * d + j] = v)));
  return { data, rows: rows.length, cols: d };
}

export type Bar = [number, number];

/** Ripser's text output -> bars per dimension (Infinity for an empty death). */
export function parseRipserOutput(text: string): Bar[][] {
  const out: Bar[][] = [];
  let dim = -1;
  for (const line of text.split('\n')) {
    const m = /^persistence intervals in dim (\d+):/.exec(line);
    if (m) {
      dim = Number(m[1]);
      while (out.length <= dim) out.push([]);
      continue;
    }
    const b = /^\s*\[([^,]+),\s*([^)]*)\)/.exec(line);
    if (b && dim >= 0) {
      const death = b[2].trim() === '' ? Infinity : Number(b[2]);
      out[dim].push([Number(b[1]), death]);
    }
  }
  return out;
}

export function diagramBars(d: PersistenceDiagram): Bar[] {
  const out: Bar[] = [];
  for (let i = 0; i < d.births.length; i++) out.push([d.births[i], d.deaths[i]]);
  return out;
}

/** Rounded to `digits` significant digits, as Ripser prints (C++ default precision 6). */
function rounded(x: number, digits: number): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

function close(a: number, b: number, rel: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

/**
 * Compares two multisets of bars: equal counts and, after sorting both (ours rounded to the
 * printed precision so that both sort alike), every value within `rel` relative difference.
 * Returns null when they match, else a description of the first differences.
 */
export function compareBars(ours: Bar[], reference: Bar[], rel = 1e-5, digits = 6): string | null {
  const a = ours.map(([b, d]) => [rounded(b, digits), rounded(d, digits)] as Bar);
  const r = reference.slice();
  const cmp = (x: Bar, y: Bar) => x[0] - y[0] || x[1] - y[1] || 0;
  const byKey = (x: Bar, y: Bar) => {
    const c = cmp(x, y);
    return Number.isNaN(c) ? (x[1] === y[1] ? 0 : x[1] === Infinity ? 1 : -1) : c;
  };
  a.sort(byKey);
  r.sort(byKey);
  const problems: string[] = [];
  if (a.length !== r.length) problems.push(`count ${a.length} vs reference ${r.length}`);
  const m = Math.min(a.length, r.length);
  for (let i = 0; i < m && problems.length < 6; i++) {
    if (!close(a[i][0], r[i][0], rel) || !close(a[i][1], r[i][1], rel)) {
      problems.push(`bar ${i}: [${a[i][0]}, ${a[i][1]}) vs reference [${r[i][0]}, ${r[i][1]})`);
    }
  }
  if (a.length !== r.length) {
    // show what is on one side only (by rounded value)
    const key = (x: Bar) => `${x[0]},${x[1]}`;
    const count = new Map<string, number>();
    for (const x of r) count.set(key(x), (count.get(key(x)) ?? 0) + 1);
    for (const x of a) count.set(key(x), (count.get(key(x)) ?? 0) - 1);
    const diff = [...count].filter(([, c]) => c !== 0).slice(0, 10);
    problems.push(
      `only on one side (+ reference, - ours): ${diff.map(([k, c]) => `${k}:${c}`).join(' ')}`,
    );
  }
  return problems.length ? problems.join('\n') : null;
}

/**
 * Runs a command with `input` on stdin and resolves with its stdout, without blocking the
 * event loop (long synchronous child processes starve Vitest's worker RPC). A child still
 * running after `timeoutMs` (default 10 minutes) is killed and the promise rejects, so that a
 * stalled computation fails its test instead of outliving it.
 */
export function runAsync(
  cmd: string,
  args: string[],
  input: string,
  timeoutMs = 600_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else if (child.signalCode === 'SIGKILL')
        reject(new Error(`${cmd} was killed after ${timeoutMs / 1000} s (its time limit)`));
      else reject(new Error(`${cmd} exited with ${code}: ${Buffer.concat(err).toString('utf8')}`));
    });
    child.stdin.end(input);
  });
}
