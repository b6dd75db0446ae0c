/**
 * Name, usage and options of `topolens id`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { IdCommandOptions } from '../commands/id.js';

/** The --method choices. */
export const ID_METHODS = ['twonn', 'mle', 'phdim', 'lpca', 'pr'] as const;

export function registerIdCommand(program: Command): void {
  program
    .command('id')
    .description('intrinsic dimension of a point cloud (.npy or text, one point per line)')
    .argument('<cloud>', 'point cloud file: .npy (float32/float64) or whitespace/CSV text')
    .option(
      '--method <method>',
      `estimator: ${ID_METHODS.join(' | ')} (default twonn, Facco et al.'s TwoNN fit)`,
      'twonn',
    )
    .option('--k <k>', 'neighbours per point (mle: 20, lpca/pr pointwise: 50)')
    .option('--estimator <name>', 'PH-dim sample sizes: m22 | birdal', 'm22')
    .option('--samples <n>', 'PH-dim subsamples per size', '1')
    .option('--alpha <a>', 'PH-dim exponent of the edge lengths', '1')
    .option('--seed <seed>', 'random seed (PH-dim subsamples, TwoNN blocks)', '0')
    .option('--variant <v>', 'TwoNN: fit (Ansuini, default) | mle', 'fit')
    .option('--blocks <n>', 'TwoNN block analysis with 1..n blocks (0 = off)', '0')
    .option('--rule <rule>', 'lPCA: ratio | fan (scikit-dimension) | fan-gap | fo', 'ratio')
    .option('--threshold <t>', 'lPCA ratio rule: explained-variance threshold', '0.95')
    .option('--approximate', 'approximate neighbours (NN-descent) for very large clouds')
    .option('--pointwise <file>', 'write the pointwise values, one per line (mle, lpca, pr)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: IdCommandOptions) => {
      const { idCommand } = await import('../commands/id.js');
      await idCommand(file, options);
    });
}
