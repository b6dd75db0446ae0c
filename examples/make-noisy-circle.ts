/**
 * Writes examples/data/noisy-circle.csv: 200 points on the unit circle with Gaussian noise
 * (standard deviation 0.05), seed 1. Run once with `npx tsx examples/make-noisy-circle.ts`; the
 * CSV is committed so that `topolens ph examples/data/noisy-circle.csv` works out of the box.
 */
import { writeFileSync } from 'node:fs';
import { circle } from '../src/data/synthetic.js';

const { points } = circle({ n: 200, seed: 1, noise: 0.05 });
const lines = [
  '# 200 points on the unit circle, Gaussian noise sd 0.05, seed 1 (examples/make-noisy-circle.ts)',
  'x,y',
];
for (let i = 0; i < points.rows; i++) {
  lines.push(`${points.data[2 * i].toFixed(6)},${points.data[2 * i + 1].toFixed(6)}`);
}
writeFileSync(new URL('./data/noisy-circle.csv', import.meta.url), lines.join('\n') + '\n');
