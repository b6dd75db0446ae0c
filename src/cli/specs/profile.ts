/**
 * Name, usage and options of `topolens profile`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { ProfileCommandOptions } from '../commands/profile.js';

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('layer profile of one network on given inputs (results to the store)')
    .argument('<model>', 'an ONNX file or a TensorFlow.js model.json (weights beside it)')
    .requiredOption('--inputs <x.npy>', 'inputs, first axis = samples')
    .option('--labels <y.npy>', 'integer class of each input (class-local descriptors)')
    .option('--layers <names>', 'comma-separated layer names (default: the block outputs)')
    .option('--include-input', 'add the input itself as layer 0')
    .option('--per-class <k>', 'at most k inputs per class (default 250, [M22])')
    .option('--store <path>', 'results store (default results.duckdb)')
    .option('--json', 'print the profile record as JSON')
    .action(async (model: string, opts: ProfileCommandOptions) => {
      const { profileCommand } = await import('../commands/profile.js');
      await profileCommand(model, opts);
    });
}
