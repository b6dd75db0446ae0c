/**
 * Name, usage and options of `topolens curvature`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { CurvatureFlags } from '../commands/curvature.js';

export function registerCurvature(program: Command): void {
  program
    .command('curvature')
    .description(
      'Forman, augmented Forman or Ollivier-Ricci curvature of the kNN graph of a point cloud',
    )
    .argument('<cloud>', 'point cloud: .npy (float32/float64) or text (one point per line)')
    .option(
      '--k <k>',
      "neighbours per point (default 30, [B24]'s smallest setting; needs more than k points)",
      (v) => Number(v),
      30,
    )
    .option('--method <method>', 'forman | augmented | ollivier', 'forman')
    .option(
      '--graph <kind>',
      'undirected (paper) | mutual | directed (published code, ties)',
      'undirected',
    )
    .option('--alpha <alpha>', 'Ollivier: mass kept at the node', (v) => Number(v), 0.5)
    .option('--transport <t>', 'Ollivier: auto | exact | sinkhorn', 'auto')
    .option('--out <file>', 'write per-edge values as CSV (from,to,curvature)')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, opts: CurvatureFlags) => {
      const { curvatureCommand } = await import('../commands/curvature.js');
      await curvatureCommand(path, opts);
    });
}
