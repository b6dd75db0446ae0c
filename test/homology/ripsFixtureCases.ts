/**
 * The fixture cases of test/fixtures/ph (cases.json) and the bar-for-bar check against the
 * barcodes Ripser printed for them.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ripsPersistence } from '../../src/homology/rips.js';
import { FIXTURES, compareBars, diagramBars, parseRipserOutput, readCloud } from './ripsHelpers.js';

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

export function checkFixtureCase(c: FixtureCase): void {
  const cloud = readCloud(`${c.cloud}.txt`);
  const result = ripsPersistence(cloud, {
    maxDimension: c.maxdim,
    threshold: c.threshold === null ? undefined : Number(c.threshold),
  });
  const reference = parseRipserOutput(
    readFileSync(`${FIXTURES}${caseName(c)}.barcode.txt`, 'utf8'),
  );
  expect(result.diagrams.length).toBe(c.maxdim + 1);
  expect(reference.length).toBe(c.maxdim + 1);
  for (let dim = 0; dim <= c.maxdim; dim++) {
    const ours = diagramBars(result.diagrams[dim]);
    expect(compareBars(ours, reference[dim]), `${caseName(c)} dimension ${dim}`).toBeNull();
  }
}
