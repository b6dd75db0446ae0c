/**
 * Every fixture case that Ripser finishes quickly: bar for bar against Ripser's printed
 * barcodes (same multiset per dimension, values within 1e-5 relative; Ripser prints 6
 * significant digits). The slow cases are in rips.fixtures-slow.test.ts.
 */
import { describe, it } from 'vitest';
import { SLOW_SECONDS, caseName, checkFixtureCase, fixtureCases } from './ripsFixtureCases.js';

describe('Rips persistence matches Ripser on the fixture clouds', () => {
  for (const c of fixtureCases.filter((c) => c.ripser_wall_s <= SLOW_SECONDS)) {
    it(caseName(c), () => checkFixtureCase(c));
  }
});
