/**
 * Name, usage and options of `topolens export`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import { DEFAULT_STORE_PATH } from '../../run/storeSchema.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write every table of a results store to a folder, one Parquet or CSV file each')
    .argument('<dir>', 'the folder to create (all files appear together, or none)')
    .option('--parquet', 'write Parquet files (types kept: lists, timestamps)')
    .option('--csv', 'write CSV files with a header row')
    .option('--store <path>', 'the results store file', DEFAULT_STORE_PATH)
    .option('--force', 'replace the folder if it exists and is not empty')
    .option('--json', 'print the written files as JSON')
    .action(
      async (
        dir: string,
        opts: { parquet?: boolean; csv?: boolean; store: string; force?: boolean; json?: boolean },
      ) => {
        const { exportCommand } = await import('../commands/export.js');
        await exportCommand(dir, opts);
      },
    );
}
