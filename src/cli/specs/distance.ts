/**
 * Name, usage and options of `topolens distance`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { DistanceFlags } from '../commands/distance.js';

/** The --metric choices. */
export const DISTANCE_METRICS = ['bottleneck', 'wasserstein', 'sliced'] as const;

export function registerDistance(program: Command): void {
  program
    .command('distance')
    .description('Distance between the persistence diagrams of two files, per homology dimension')
    .argument(
      '<a>',
      'diagrams as written by topolens ph --out: .json, .csv (dimension,birth,death) or .txt ' +
        '(Ripser text); other names are recognised by their content',
    )
    .argument('<b>', 'second set of diagrams, in any of these formats')
    .option('--metric <m>', DISTANCE_METRICS.join(' | '), 'bottleneck')
    .option('--p <p>', 'Wasserstein order (GUDHI order)', '1')
    .option('--q <q>', 'Wasserstein ground metric L_q (GUDHI internal_p), a number or inf', 'inf')
    .option('--dimension <k>', 'only this homology dimension')
    .option('--directions <M>', 'sliced Wasserstein directions', '50')
    .option(
      '--infinite <mode>',
      "essential bars: 'match' (pair by birth; Infinity if counts differ) or 'ignore'",
      'match',
    )
    .option('--matching', 'also print which bar went where (bottleneck, wasserstein)')
    .option('--json', 'print the result as JSON')
    .action(async (a: string, b: string, opts: DistanceFlags) => {
      const { distanceCommand } = await import('../commands/distance.js');
      await distanceCommand(a, b, opts);
    });
}
