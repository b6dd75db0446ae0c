/**
 * `topolens report <store> [--experiment <id|name>] [--out report.html] [--open]`
 * Writes the self-contained interactive HTML report of one experiment of a results store
 * (docs/report.md) and prints its path.
 */
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

/** The `report` command's action; its options: ../specs/report.ts. */
export async function reportCommand(
  storePath: string,
  opts: { experiment?: string; out: string; open?: boolean },
): Promise<void> {
  const { openStore } = await import('../../run/store.js');
  const { buildReportData, otherExperimentNames } = await import('../../report/reportData.js');
  const { writeReport } = await import('../../report/writeReport.js');
  const store = await openStore(storePath, { readOnly: true });
  try {
    const data = await buildReportData(store, { experiment: opts.experiment });
    const path = writeReport(data, opts.out);
    process.stdout.write(`${path}\n`);
    if (opts.experiment === undefined && data.experiments.length > 1) {
      const others = otherExperimentNames(data).map((name) => `'${name}'`);
      process.stderr.write(
        `the report draws the newest experiment, '${data.experiment.name}'; the store also holds ${others.join(', ')} (--experiment <name> draws another)\n`,
      );
    }
    if (opts.open) openInBrowser(path);
  } finally {
    await store.close();
  }
}

/** The `figure` command's action; its options: ../specs/report.ts. */
export async function figureCommand(
  storePath: string,
  opts: { view: string; figure?: string; set?: string[]; experiment?: string; out: string },
): Promise<void> {
  const controls: Record<string, string> = {};
  for (const s of opts.set ?? []) {
    const at = s.indexOf('=');
    if (at <= 0) {
      throw invalidOption(
        `--set takes control=value, got '${s}'`,
        'for example --set matrix=linear-cka (the error of a wrong name lists the controls)',
      );
    }
    controls[s.slice(0, at).trim()] = s.slice(at + 1).trim();
  }
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
  const path = await writeFigure(data, opts.out, {
    view: opts.view,
    figure: opts.figure,
    controls,
  });
  process.stdout.write(`${path}\n`);
}

/** The `serve` command's action; its options: ../specs/report.ts. */
export async function serveCommand(
  storePath: string,
  opts: { port: string; host: string; experiment?: string },
): Promise<void> {
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
}
