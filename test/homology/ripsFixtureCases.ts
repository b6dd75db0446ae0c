/**
 * The fixture cases of test/fixtures/ph (cases.json) and the bar-for-bar check against the
 * barcodes Ripser printed for them.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type Bar, FIXTURES, compareBars, parseRipserOutput, runAsync } from './ripsHelpers.js';

const RUN_CASE = new URL('./ripsRunCase.ts', import.meta.url).pathname;

export interface FixtureCase {
  cloud: string;
  maxdim: number;
  threshold_kind: string;
  threshold: string | null;
  ripser_wall_s: number;
  bars_per_dim_finite_infinite: Record<string, [number, number]>;
}

export const fixtureCases: FixtureCase[] = JSON.parse(
  readFileSync(FIXTURES + 'cases.json', 'utf8'),
);

export function caseName(c: FixtureCase): string {
  return `${c.cloud}_dim${c.maxdim}_${c.threshold_kind}`;
}

/** Ripser's reference wall time above which a case goes to the slow file. */
export const SLOW_SECONDS = 20;

/**
 * Computes the case in a child process (see ripsRunCase.ts) and compares every dimension
 * with Ripser's barcode file.
 */
export async function checkFixtureCase(c: FixtureCase): Promise<void> {
  const args = ['--import', 'tsx', RUN_CASE, `${c.cloud}.txt`, String(c.maxdim)];
  if (c.threshold !== null) args.push(c.threshold);
  const text = await runAsync(process.execPath, args, '');
  const diagrams = (JSON.parse(text) as [number, number | null][][]).map((bars) =>
    bars.map(([b, d]) => [b, d ?? Infinity] as Bar),
  );
  const reference = parseRipserOutput(
    readFileSync(`${FIXTURES}${caseName(c)}.barcode.txt`, 'utf8'),
  );
  expect(diagrams.length).toBe(c.maxdim + 1);
  expect(reference.length).toBe(c.maxdim + 1);
  for (let dim = 0; dim <= c.maxdim; dim++) {
    expect(
      compareBars(diagrams[dim], reference[dim]),
      `${caseName(c)} dimension ${dim}`,
    ).toBeNull();
  }
}
