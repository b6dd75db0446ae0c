/**
 * The fixture cases where Ripser itself took over 20 s on the reference machine. They run
 * here (never skipped), in their own file so that their cost is visible. Each may take 10 minutes
 * (the slowest takes 2-3 here), so that together they stay well inside CI's 90.
 */
import { describe, it } from 'vitest';
import { SLOW_SECONDS, caseName, checkFixtureCase, fixtureCases } from './ripsFixtureCases.js';

describe('Rips persistence matches Ripser on the slow fixture cases', () => {
  for (const c of fixtureCases.filter((c) => c.ripser_wall_s > SLOW_SECONDS)) {
    it(caseName(c), { timeout: 600_000 }, async () => checkFixtureCase(c));
  }
});
