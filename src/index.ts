/**
 * topolens: the library API for Node: the browser-safe core (./browser.ts) and the loaders that
 * read files (./data/node.ts).
 */
export * from './browser.js';
export * from './data/node.js';
// Rips persistence on worker threads: registers the Node thread driver (used when threads > 1)
export { createNodeRipsThreadDriver } from './run/ripsThreads.js';
export { setRipsThreadDriver, PARALLEL_MIN_TESTS } from './homology/ripsParallel.js';
export type { RipsThreadDriver, RipsThreadSession } from './homology/ripsParallel.js';
export {
  PARALLEL_MIN_COLUMNS,
  REDUCTION_BATCH,
  REDUCTION_ARENA,
  type ReductionJob,
} from './homology/ripsParallel.js';
