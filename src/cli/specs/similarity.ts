/**
 * Name, usage and options of `topolens similarity`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import { SIMILARITY_MEASURE_NAMES } from '../../similarity/measureNames.js';
import type { SimilarityFlags } from '../commands/similarity.js';

export function registerSimilarity(program: Command): void {
  program
    .command('similarity')
    .description('Similarity or distance between two layer representations of the same inputs')
    .argument('<a>', 'first representation (.npy or text, one input per row)')
    .argument('<b>', 'second representation, same inputs in the same order')
    .option('--method <m>', SIMILARITY_MEASURE_NAMES.join(' | '), 'cka')
    .option('--json', 'print the result as JSON')
    .action(async (a: string, b: string, opts: SimilarityFlags) => {
      const { similarityCommand } = await import('../commands/similarity.js');
      await similarityCommand(a, b, opts);
    });
}
