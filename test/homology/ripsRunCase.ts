/**
 * Runs one fixture case in its own process and prints its diagrams as JSON (Infinity as null).
 * The fixture tests await it, so that long computations never block Vitest's worker.
 * Usage: node --import tsx test/homology/ripsRunCase.ts <cloud file> <maxDimension> [threshold]
 */
import { ripsPersistence } from '../../src/homology/rips.js';
import { readCloud } from './ripsHelpers.js';

const [file, dim, threshold] = process.argv.slice(2);
const result = ripsPersistence(readCloud(file), {
  maxDimension: Number(dim),
  threshold: threshold === undefined ? undefined : Number(threshold),
});
const bars = result.diagrams.map((d) =>
  Array.from(d.births, (b, i) => [b, Number.isFinite(d.deaths[i]) ? d.deaths[i] : null]),
);
process.stdout.write(JSON.stringify(bars));
