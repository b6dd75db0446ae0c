/**
 * One figure of the report as an SVG or PNG file (docs/report.md#figures): the report page is
 * opened headless in Chromium (playwright-core), the view drawn, and its first chart (or the chart
 * of the named figure) serialised or screenshotted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalidOption } from '../core/errors.js';
import type { ReportData } from './reportData.js';
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
  /** Chromium executable, default /usr/bin/chromium. */
  executablePath?: string;
}

/** The few DOM members the page-side functions below use (no DOM types on the Node side). */
interface Queryable {
  querySelector(selector: string): Queryable | null;
  querySelectorAll(selector: string): ArrayLike<Queryable>;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  textContent: string | null;
}

/**
 * Runs in the page: the figure of the chart `node` as standalone SVG text. The figure is the
 * chart's section of the report: every chart in it (a view may draw several, e.g. one panel per
 * measure, or a chart and its colour ramp) laid out in rows as the page shows them, and below
 * them each legend the viewer shows as an HTML row of colour swatches and names, drawn as SVG
 * rects and text, so an exported figure keeps the key to its colours.
 */
function figureSvg(node: unknown): string {
  type El = Queryable & {
    cloneNode(deep: boolean): El;
    closest(selector: string): El | null;
    parentElement: El | null;
    appendChild(n: El): void;
    contains(n: El): boolean;
    ownerDocument: { createElementNS(ns: string, tag: string): El };
    style: { background: string };
    classList: { contains(c: string): boolean };
    children: ArrayLike<El>;
  };
  const NS = 'http://www.w3.org/2000/svg';
  const chart = node as El;
  const doc = chart.ownerDocument;
  const make = (tag: string, attrs: Record<string, string | number>) => {
    const e = doc.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const scope = chart.closest('section[data-figure]') ?? chart.parentElement ?? chart;
  const all = Array.from(scope.querySelectorAll('svg.tl-plot, svg[class^="tl-ramp"]')) as El[];
  // charts only, not svg elements drawn inside a chart
  const charts = all.filter((c) => !all.some((o) => o !== c && o.contains(c)));
  if (!charts.includes(chart)) charts.unshift(chart);
  const size = (c: El) => ({
    w: Number(c.getAttribute('width')) || 640,
    h: Number(c.getAttribute('height')) || 400,
  });
  const maxWidth = Math.max(1160, ...charts.map((c) => size(c).w));
  const out = make('svg', { xmlns: NS });
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const c of charts) {
    const { w, h } = size(c);
    if (x > 0 && x + w > maxWidth) {
      x = 0;
      y += rowHeight + 8;
      rowHeight = 0;
    }
    const copy = c.cloneNode(true);
    copy.setAttribute('x', String(x));
    copy.setAttribute('y', String(y));
    copy.setAttribute('width', String(w));
    copy.setAttribute('height', String(h));
    out.appendChild(copy);
    width = Math.max(width, x + w);
    rowHeight = Math.max(rowHeight, h);
    x += w + 8;
  }
  let bottom = y + rowHeight;
  const legends = Array.from(scope.querySelectorAll('.legend')) as El[];
  const items = legends.flatMap((l) => Array.from(l.children));
  if (items.length) {
    const group = make('g', {
      'font-family': 'system-ui, sans-serif',
      'font-size': 11,
      'text-anchor': 'start',
    });
    const line = 16;
    let lx = 10;
    let ly = bottom + 6;
    for (const item of items) {
      const swatch = item.querySelector('.swatch') as El | null;
      const label = (item.textContent ?? '').trim();
      const w = 18 + label.length * 6.2 + 14;
      if (lx + w > width && lx > 10) {
        lx = 10;
        ly += line;
      }
      if (swatch?.classList.contains('dashed'))
        group.appendChild(
          make('line', {
            x1: lx,
            x2: lx + 12,
            y1: ly + 6,
            y2: ly + 6,
            stroke: '#111',
            'stroke-width': 2,
            'stroke-dasharray': '4,2',
          }),
        );
      else
        group.appendChild(
          make('rect', {
            x: lx,
            y: ly + 1,
            width: 12,
            height: 10,
            fill: swatch?.style.background || '#888',
          }),
        );
      const text = make('text', { x: lx + 17, y: ly + 10, fill: '#222' });
      text.textContent = label;
      group.appendChild(text);
      lx += w;
    }
    out.appendChild(group);
    bottom = ly + line + 4;
  }
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(bottom));
  out.setAttribute('viewBox', `0 0 ${width} ${bottom}`);
  out.setAttribute('style', 'background: white');
  const g = globalThis as unknown as {
    XMLSerializer: new () => { serializeToString(n: unknown): string };
  };
  return new g.XMLSerializer().serializeToString(out);
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
          `the store has no view '${options.view}' (its report offers ${offered.join(', ')})`,
          'pick one of those views, or a store that holds the study the view draws',
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
          `the view '${options.view}'${options.figure ? ` has no figure '${options.figure}'` : ' draws no chart for this store'}`,
          figures.length
            ? `its figures: ${figures.join(', ')}`
            : 'pick another view, or a store that holds its study',
        );
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
          box.setAttribute('style', 'display:inline-block;background:#fff');
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
