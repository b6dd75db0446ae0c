/**
 * `topolens similarity a.npy b.npy --method cka|cka-rbf|cka-debiased|rsa|procrustes|sw [--json]`
 * One number comparing two representations of the same inputs, and whether it is a similarity
 * or a distance.
 */
import type { Command } from 'commander';
import { invalidOption } from '../../core/errors.js';
import { similarityMeasures } from '../../similarity/measures.js';
import { printJSON } from '../output.js';
import { readCloud } from './_readCloud.js';

export function registerSimilarity(program: Command): void {
  program
    .command('similarity')
    .description('Similarity or distance between two layer representations of the same inputs')
    .argument('<a>', 'first representation (.npy or text, one input per row)')
    .argument('<b>', 'second representation, same inputs in the same order')
    .option('--method <m>', `${Object.keys(similarityMeasures).join(' | ')}`, 'cka')
    .option('--json', 'print the result as JSON')
    .action((a: string, b: string, opts) => {
      const m = similarityMeasures[opts.method as string];
      if (!m) {
        throw invalidOption(
          `unknown --method '${opts.method}'.`,
          `Use one of ${Object.keys(similarityMeasures).join(', ')}.`,
        );
      }
      const X = readCloud(a);
      const Y = readCloud(b);
      const r = m.compute(X, Y);
      if (opts.json) {
        printJSON({ a, b, points: X.rows, ...r });
        return;
      }
      process.stdout.write(`${r.measure} (${r.kind}): ${r.value.toFixed(6)}\n`);
    });
}
