/**
 * Name, usage and options of `topolens run`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { RunCommandOptions } from '../commands/run.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run an experiment file: train, capture and study, results to the store')
    .argument('<experiment>', 'experiment file (.yaml, .yml or .json; docs/experiments.md)')
    .option('--store <path>', "results store (default: the file's store.path, results.duckdb)")
    .option('--workers <n>', 'worker threads (default: all cores; 0: run in this process)')
    .option('--json', 'print the summary as JSON')
    .option(
      '--queue <url>',
      'coordinate: jobs go to `topolens worker`s on this Redis (redis://host:port)',
    )
    .option(
      '--attempts <n>',
      'with --queue: tries per job before it is recorded as failed (default 3)',
    )
    .option(
      '--serve [port]',
      'serve the live report of this run on 127.0.0.1 (default: any free port); it stays up after the run until Ctrl-C',
    )
    .action(async (file: string, opts: RunCommandOptions) => {
      const { runCommand } = await import('../commands/run.js');
      await runCommand(file, opts);
    });
}
