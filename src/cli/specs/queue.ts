/**
 * Name, usage and options of `topolens worker` and `topolens status`. The implementation in
 * ../commands/ is imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { WorkerOpts } from '../commands/queue.js';

export function registerQueueCommands(program: Command): void {
  program
    .command('worker')
    .description("take sweep jobs from a Redis queue (a coordinator's `topolens run --queue`)")
    .requiredOption('--queue <url>', 'Redis URL, redis://host:port')
    .option('--concurrency <n>', 'jobs at once on this machine (default 1)')
    .option('--experiment <file|id>', "only this experiment's jobs (default: every sweep's)")
    .option('--lock-duration <ms>', 'a killed worker loses its job after this long (default 30000)')
    .action(async (opts: WorkerOpts) => {
      const { workerCommand } = await import('../commands/queue.js');
      await workerCommand(opts);
    });
  program
    .command('status')
    .description('jobs waiting, active, done and failed on a sweep queue, and workers seen')
    .requiredOption('--queue <url>', 'Redis URL, redis://host:port')
    .option('--experiment <file|id>', 'only this experiment (default: every sweep on the Redis)')
    .option('--json', 'print JSON')
    .action(async (opts: { queue: string; experiment?: string; json?: boolean }) => {
      const { statusCommand } = await import('../commands/queue.js');
      await statusCommand(opts);
    });
}
