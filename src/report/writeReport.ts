/**
 * Writes the self-contained report file (docs/report.md): the prebuilt viewer bundle
 * (dist/viewer, made by `npm run build:viewer`) and the report data in one HTML page.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidInput } from '../core/errors.js';
import { renderReportPage } from './html.js';
import type { ReportData } from './reportData.js';
import { summarizeReport } from './reportSummary.js';

export interface ViewerBundle {
  script: string;
  style: string;
}

/** The folders where the built viewer may be: beside the compiled CLI, or dist/ of the checkout. */
function viewerCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return [resolve(here, '../../viewer'), resolve(here, '../../dist/viewer')];
}

/** Reads the prebuilt viewer bundle (viewer.js and viewer.css). */
export function loadViewerBundle(dir?: string): ViewerBundle {
  const dirs = dir === undefined ? viewerCandidates() : [dir];
  for (const d of dirs) {
    const js = resolve(d, 'viewer.js');
    if (existsSync(js)) {
      const css = resolve(d, 'viewer.css');
      return {
        script: readFileSync(js, 'utf8'),
        style: existsSync(css) ? readFileSync(css, 'utf8') : '',
      };
    }
  }
  throw invalidInput(
    `the report viewer is not built (looked for viewer.js in ${dirs.join(', ')})`,
    'run `npm run build:viewer` (or `npm run build`) in the topolens checkout',
  );
}

/** The report page's HTML for `data`. */
export function reportHtml(data: ReportData, bundle: ViewerBundle = loadViewerBundle()): string {
  return renderReportPage({
    title: `topolens report: ${data.experiment.name}`,
    script: bundle.script,
    style: bundle.style,
    data,
    summary: summarizeReport(data),
  });
}

/** Writes the report of `data` to `out` (one HTML file); returns the absolute path. */
export function writeReport(data: ReportData, out: string, bundle?: ViewerBundle): string {
  const path = resolve(out);
  writeFileSync(path, reportHtml(data, bundle));
  return path;
}
