/**
 * Name, usage and options of `topolens demo`, the main job (`npm start`, docs/demo.md). The
 * implementation in ../commands/demo.ts is imported by the action, only when the command runs
 * (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import type { DemoOptions } from '../commands/demo.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job: train a small CNN on MNIST and dense networks, run the studies, write the report',
    )
    .option('--out <dir>', 'folder of the store and report', 'out/demo')
    .option('--quick', 'shrink every size: a smoke test of the pipeline, not a result')
    .option('--no-open', 'do not open the report in the browser')
    .option('--workers <n>', 'worker threads (default: all cores; 0: run in this process)')
    .option('--json', 'print the result and summary as JSON')
    .action(async (opts: DemoOptions) => {
      const { runDemo } = await import('../commands/demo.js');
      try {
        await runDemo(opts);
      } catch (err) {
        if ((err as { interrupted?: boolean }).interrupted) return;
        throw err;
      }
    });
}
