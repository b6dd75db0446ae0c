/**
 * One figure of the report as an SVG or PNG file (docs/report.md#figures): the report page is
 * opened headless in Chromium (playwright-core), the view drawn, and its first chart (or the chart
 * of the named figure) serialised or screenshotted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { invalidOption } from '../core/errors.js';
import { otherExperimentNames, type ReportData } from './reportData.js';
import { figureSvg, type Queryable } from './figureSvg.js';
import { writeReport } from './writeReport.js';

export const REPORT_VIEWS = [
  'summary',
  'layer-profile',
  'persistence',
  'layer-comparison',
  'mapper',
  'ricci-flow',
  'adversarial',
  'population-comparison',
  'other',
] as const;

export interface FigureOptions {
  /** The view to draw (one of REPORT_VIEWS). */
  view: string;
  /** The figure within the view (its data-figure name, e.g. 'ricci-scatter'); default the first. */
  figure?: string;
  /**
   * Controls of the view to set before the export, by their name (a select's data-control, e.g.
   * `matrix` in layer-comparison): the option whose text is the value, starts with `value:` (a
   * numbered option) or, if only one does, contains it (case-insensitive). Default: as drawn.
   */
  controls?: Record<string, string>;
  /** Chromium executable, default /usr/bin/chromium. */
  executablePath?: string;
}

type Tab = Awaited<ReturnType<BrowserContext['newPage']>>;

/** The experiment a report draws, for messages. */
function experimentOf(data: ReportData): string {
  return `the experiment '${data.experiment.name}'`;
}

/** 'another experiment (...) with --experiment, ' when the store holds others; else ''. */
function otherExperiments(data: ReportData): string {
  const others = otherExperimentNames(data);
  return others.length
    ? `another experiment of the store with --experiment (${others.join(', ')}), `
    : '';
}

/** Sets the select named `name` under `scope` to the option `value` names (FigureOptions). */
async function setControl(tab: Tab, scope: string, name: string, value: string): Promise<void> {
  const control = tab.locator(`${scope}select[data-control="${name}"]`).first();
  if ((await control.count()) === 0) {
    const names = await tab
      .locator(`${scope}select[data-control]`)
      .evaluateAll((all) =>
        all.map((s) => (s as unknown as { dataset: { control?: string } }).dataset.control ?? ''),
      );
    throw invalidOption(
      `the figure has no control '${name}'`,
      names.length ? `its controls: ${[...new Set(names)].join(', ')}` : 'it has no controls',
    );
  }
  const options = await control
    .locator('option')
    .evaluateAll((all) => all.map((o) => (o as unknown as { value: string }).value));
  const v = value.toLowerCase();
  const lower = options.map((o) => o.toLowerCase());
  const containing = options.filter((_, i) => lower[i].includes(v));
  const picked =
    options[lower.indexOf(v)] ??
    options.find((_, i) => lower[i].startsWith(`${v}:`)) ??
    (containing.length === 1 ? containing[0] : undefined);
  if (picked === undefined) {
    throw invalidOption(
      `the control '${name}' has ${containing.length > 1 ? 'several options' : 'no option'} matching '${value}'`,
      `its options: ${options.join('; ')}`,
    );
  }
  await control.selectOption(picked);
}

/** Writes one figure of `data` to `out` (.svg or .png); returns the absolute path. */
export async function writeFigure(
  data: ReportData,
  out: string,
  options: FigureOptions,
): Promise<string> {
  const format = extname(out).toLowerCase();
  if (format !== '.svg' && format !== '.png')
    throw invalidOption(`the figure file must end in .svg or .png, got '${out}'`);
  if (!(REPORT_VIEWS as readonly string[]).includes(options.view))
    throw invalidOption(`unknown view '${options.view}'`, `use one of ${REPORT_VIEWS.join(', ')}`);
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'topolens-figure-'));
  try {
    const page = writeReport(data, join(dir, 'report.html'));
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: options.executablePath ?? '/usr/bin/chromium',
      headless: true,
      offline: true,
      viewport: { width: 1100, height: 900 },
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    try {
      const tab = context.pages()[0] ?? (await context.newPage());
      await tab.goto(`${pathToFileURL(page).href}#${options.view}`);
      // the viewer draws the first view instead of one the store has no study for
      await tab.waitForSelector('body[data-rendered]');
      const drawn = await tab.getAttribute('body', 'data-rendered');
      if (drawn !== options.view) {
        const offered = await tab
          .locator('nav button[data-view]')
          .evaluateAll((buttons) =>
            buttons.map((b) => (b as unknown as { dataset: { view?: string } }).dataset.view ?? ''),
          );
        throw invalidOption(
          `the store has no view '${options.view}' for ${experimentOf(data)} (its report offers ${offered.join(', ')})`,
          `pick one of those views, ${otherExperiments(data)}or a store that holds the study the view draws`,
        );
      }
      const scope = options.figure ? `section[data-figure="${options.figure}"] ` : '';
      const chart = tab.locator(`main ${scope}svg.tl-plot`).first();
      if ((await chart.count()) === 0) {
        const figures = await tab
          .locator('main section[data-figure]')
          .evaluateAll((sections) =>
            sections
              .filter((s) => (s as unknown as Queryable).querySelector('svg.tl-plot'))
              .map((s) => (s as unknown as { dataset: { figure?: string } }).dataset.figure ?? ''),
          );
        throw invalidOption(
          `the view '${options.view}'${options.figure ? ` has no figure '${options.figure}'` : ' draws no chart'} for ${experimentOf(data)}`,
          figures.length
            ? `its figures: ${figures.join(', ')}`
            : `pick another view, ${otherExperiments(data)}or a store that holds its study`,
        );
      }
      // the controls redraw the figure; the locator finds its new chart
      for (const [name, value] of Object.entries(options.controls ?? {})) {
        await setControl(tab, `main ${scope}`, name, value);
      }
      // the chart's figure: its charts, and its legends (HTML rows in the page) drawn into the SVG
      const svg = await chart.evaluate(figureSvg);
      const path = resolve(out);
      if (format === '.png') {
        const shot = await tab.evaluate((text: string) => {
          const g = globalThis as unknown as {
            document: {
              createElement(tag: string): Queryable & { innerHTML: string; id: string };
              body: { append(n: unknown): void };
            };
          };
          const box = g.document.createElement('div');
          box.id = 'topolens-figure-export';
          box.innerHTML = text;
          g.document.body.append(box);
          return box.id;
        }, svg);
        await tab.locator(`#${shot} > svg`).screenshot({ path, scale: 'device' });
      } else writeFileSync(path, svg);
      return path;
    } finally {
      await context.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
