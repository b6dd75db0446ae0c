/**
 * Name, usage and options of `topolens report`, `figure` and `serve`. The implementation in
 * ../commands/ is imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the interactive HTML report of a results store (one offline file)')
    .argument('<store>', 'the results store file (DuckDB)')
    .option('--experiment <id>', 'experiment id or name (default: the newest)')
    .option('--out <file>', 'the HTML file to write', 'report.html')
    .option('--open', 'open the report in the browser once written')
    .action(
      async (storePath: string, opts: { experiment?: string; out: string; open?: boolean }) => {
        const { reportCommand } = await import('../commands/report.js');
        await reportCommand(storePath, opts);
      },
    );
}

export function registerFigure(program: Command): void {
  program
    .command('figure')
    .description('write one figure of the report as SVG or PNG (headless Chromium)')
    .argument('<store>', 'the results store file (DuckDB)')
    .requiredOption(
      '--view <name>',
      'summary, layer-profile, persistence, layer-comparison, mapper, ricci-flow, adversarial, population-comparison or other',
    )
    .option('--figure <name>', 'a figure of the view (e.g. ricci-scatter); default its first')
    .option(
      '--set <control=value>',
      'set a control of the view before the export (repeatable; e.g. --set matrix=linear-cka in layer-comparison); default: as the page draws it',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--experiment <id>', 'experiment id or name (default: the newest)')
    .option('--out <file>', 'the .svg or .png file to write', 'figure.svg')
    .action(
      async (
        storePath: string,
        opts: { view: string; figure?: string; set: string[]; experiment?: string; out: string },
      ) => {
        const { figureCommand } = await import('../commands/report.js');
        await figureCommand(storePath, opts);
      },
    );
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the report of a results store, read-only, with live run progress')
    .argument('<store>', 'the results store file (DuckDB)')
    .option('--port <n>', 'port (0: any free one)', '0')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--experiment <id>', 'experiment id or name (default: the newest)')
    .action(
      async (storePath: string, opts: { port: string; host: string; experiment?: string }) => {
        const { serveCommand } = await import('../commands/report.js');
        await serveCommand(storePath, opts);
      },
    );
}
