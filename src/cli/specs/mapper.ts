/**
 * Name, usage and options of `topolens mapper`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { MapperCommandOptions } from '../commands/mapper.js';

export function registerMapper(program: Command): void {
  program
    .command('mapper')
    .description('Mapper graph of a point cloud (lens, cover, clustering per interval, nerve)')
    .argument('<cloud>', 'point cloud: .npy (N x D) or CSV/whitespace text, one point per line')
    .option('--labels <file>', 'class labels, one integer per point (.npy or text)')
    .option(
      '--lens <lens>',
      'l2norm | pca1 | pca2 | coordinate:<i> | density | eccentricity | values:<file>',
      'l2norm',
    )
    .option('--intervals <n>', 'intervals per lens dimension', '10')
    .option('--overlap <p>', 'overlap fraction in [0, 1)', '0.5')
    .option('--cover <kind>', 'uniform (KeplerMapper) | balanced (equal counts)', 'uniform')
    .option('--clusterer <name>', 'dbscan | single-linkage', 'dbscan')
    .option('--eps <x>', 'DBSCAN eps (default: chosen by --eps-rule)')
    .option(
      '--eps-rule <rule>',
      'quantile (eps = factor x a quantile of the k-distance curve) | knee (Kneedle)',
      'quantile',
    )
    .option('--eps-quantile <q>', 'quantile rule: quantile of the k-distance curve (0.75)')
    .option(
      '--eps-factor <f>',
      'quantile rule: multiple F of that quantile (4; F^(3/d) above local dimension d = 3)',
    )
    .option('--no-eps-dimension-adjust', 'quantile rule: use F whatever the local dimension')
    .option('--min-points <n>', 'DBSCAN min points, self included', '5')
    .option('--seed <n>', 'seed of the knee sample, search groups and layout', '0')
    .option(
      '--stability',
      'also rebuild with intervals +-1 and overlap +-0.05 and score the similarity',
    )
    .option('--out <file>', 'graph JSON (default: <cloud name>.mapper.json, here)')
    .option('--graphml <file>', 'also write GraphML')
    .option('--dot <file>', 'also write Graphviz DOT')
    .option('--json', 'print the summary as JSON')
    .action(async (cloud: string, opts: Omit<MapperCommandOptions, 'out'> & { out?: string }) => {
      const { mapperCommand } = await import('../commands/mapper.js');
      await mapperCommand(cloud, opts);
    });
}
