/**
 * `topolens report <store> [--experiment <id|name>] [--out report.html] [--open]`
 * Writes the self-contained interactive HTML report of one experiment of a results store
 * (docs/report.md) and prints its path.
 */
import type { Command } from 'commander';
import { spawn } from 'node:child_process';

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
