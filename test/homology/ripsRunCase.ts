/**
 * Runs one fixture case in its own process and prints its diagrams as JSON (Infinity as null).
 * The fixture tests await it, so that long computations never block Vitest's worker. It runs on
 * 2 threads with the Node driver's defaults (the apparent-pair tests and, in dimensions with
 * enough columns, the reduction on a worker), so the fixture tests check the threaded engine
 * against Ripser's barcodes on the large cases; rips.threads.test.ts checks threads against one
 * thread.
 * Usage: node --import tsx test/homology/ripsRunCase.ts <cloud file> <maxDimension> [threshold]
 */
import { ripsPersistence } from '../../src/homology/rips.js';
import '../../src/run/ripsThreads.js';
import { readCloud } from './ripsHelpers.js';

const [file, dim, threshold] = process.argv.slice(2);
const result = ripsPersistence(readCloud(file), {
  maxDimension: Number(dim),
  threshold: threshold === undefined ? undefined : Number(threshold),
  threads: 2,
});
const bars = result.diagrams.map((d) =>
  Array.from(d.births, (b, i) => [b, Number.isFinite(d.deaths[i]) ? d.deaths[i] : null]),
);
process.stdout.write(JSON.stringify(bars));
