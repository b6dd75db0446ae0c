/**
 * Name, usage and options of `topolens ricci`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { RicciFlags } from '../commands/ricci.js';

export function registerRicci(program: Command): void {
  program
    .command('ricci')
    .description(
      'Ricci-flow coefficient of a network from its layer clouds (input first, output left out)',
    )
    .argument('<layers...>', 'one point cloud per layer, same inputs in the same order')
    .option(
      '--k <k>',
      'neighbours per point (default 30; [B24]: 30, 120 or 300 for 2,000 points)',
      (v) => Number(v),
      30,
    )
    .option(
      '--graph <kind>',
      'undirected (paper) | mutual | directed (published code)',
      'undirected',
    )
    .option('--curvature <method>', 'forman | augmented | ollivier', 'forman')
    .option(
      '--fisher <form>',
      'Fisher-z depth adjustment: multiply | divide by sqrt(L - 4)',
      'multiply',
    )
    .option(
      '--geodesic <g>',
      'geodesic mass from hop counts (hop, [B24]) or edge lengths (euclidean)',
      'hop',
    )
    .option('--json', 'print the result as JSON')
    .action(async (paths: string[], opts: RicciFlags) => {
      const { ricciCommand } = await import('../commands/ricci.js');
      await ricciCommand(paths, opts);
    });
}
