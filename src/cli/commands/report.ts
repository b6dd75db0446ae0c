/**
 * `topolens report <store> [--experiment <id|name>] [--out report.html] [--open]`
 * Writes the self-contained interactive HTML report of one experiment of a results store
 * (docs/report.md) and prints its path.
 */
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { invalidOption } from '../../core/errors.js';

/** Opens `path` in the desktop's browser, detached; failures are ignored (the path is printed). */
function openInBrowser(path: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // the printed path is enough
  }
}

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
        const { openStore } = await import('../../run/store.js');
        const { buildReportData } = await import('../../report/reportData.js');
        const { writeReport } = await import('../../report/writeReport.js');
        const store = await openStore(storePath, { readOnly: true });
        try {
          const data = await buildReportData(store, { experiment: opts.experiment });
          const path = writeReport(data, opts.out);
          process.stdout.write(`${path}\n`);
          if (opts.open) openInBrowser(path);
        } finally {
          await store.close();
        }
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
    .option('--experiment <id>', 'experiment id or name (default: the newest)')
    .option('--out <file>', 'the .svg or .png file to write', 'figure.svg')
    .action(
      async (
        storePath: string,
        opts: { view: string; figure?: string; experiment?: string; out: string },
      ) => {
        const { openStore } = await import('../../run/store.js');
        const { buildReportData } = await import('../../report/reportData.js');
        const { writeFigure } = await import('../../report/figure.js');
        const store = await openStore(storePath, { readOnly: true });
        let data;
        try {
          data = await buildReportData(store, { experiment: opts.experiment });
        } finally {
          await store.close();
        }
        const path = await writeFigure(data, opts.out, { view: opts.view, figure: opts.figure });
        process.stdout.write(`${path}\n`);
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
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw invalidOption(`--port must be an integer from 0 to 65535, got '${opts.port}'`);
        const { serveReport } = await import('../../report/serve.js');
        const server = await serveReport(storePath, {
          port,
          host: opts.host,
          experiment: opts.experiment,
        });
        process.stdout.write(`${server.url}\n`);
        await new Promise<void>((done) => {
          const stop = () => void server.close().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      },
    );
}
