/**
 * The report viewer (docs/report.md): reads the report data embedded in the page and draws one
 * view per study with Observable Plot. Data reaches the page only through DOM text (textContent,
 * attributes set by Plot), never as markup.
 */
import * as Plot from '@observablehq/plot';
import './style.css';
import type { ReportData } from '../src/report/reportData.js';
import { bettiCurve } from '../src/report/bettiCurve.js';
import { figureSvg } from '../src/report/figureSvg.js';
import { summarizeReport, type ReportSummary } from '../src/report/reportSummary.js';

const jsonOf = (id: string): unknown => {
  const text = document.getElementById(id)?.textContent;
  return text ? JSON.parse(text) : undefined;
};

/**
 * The whole report data, parsed on first use: the summary view draws from `summary` alone, so
 * the first paint does not wait for the parse of the measures, diagrams and records.
 */
let dataCache: ReportData | undefined;
function fullData(): ReportData {
  return (dataCache ??= jsonOf('report-data') as ReportData);
}
let summary: ReportSummary =
  (jsonOf('report-summary') as ReportSummary | undefined) ?? summarizeReport(fullData());
/** The data of every view but the summary; `show` loads it before drawing one of them. */
let data = undefined as unknown as ReportData;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  cls?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

const fmt = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '–'
    : Number(v.toPrecision(digits)).toString();

/** Plot's own <style> elements are removed (the page's CSP allows only its one stylesheet). */
function plot(options: Plot.PlotOptions): SVGSVGElement | HTMLElement {
  const node = Plot.plot({ className: 'tl-plot', style: undefined, ...options });
  node.querySelectorAll('style').forEach((s) => s.remove());
  return node;
}

function select(label: string, values: string[], onChange: (v: string) => void, id?: string) {
  const wrap = el('label', `${label} `);
  const s = el('select');
  if (id) s.dataset.control = id;
  for (const v of values) {
    const o = el('option', v);
    o.value = v;
    s.append(o);
  }
  s.addEventListener('change', () => onChange(s.value));
  wrap.append(s);
  return { wrap, select: s };
}

function download(name: string, blob: Blob) {
  const a = el('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function exportButtons(figure: HTMLElement, name: string) {
  const bar = el('div', undefined, 'controls');
  // the figure as the page shows it: its charts and legends (src/report/figureSvg.ts)
  const svgOf = () => {
    const chart = figure.querySelector('svg.tl-plot');
    return chart ? figureSvg(chart) : null;
  };
  const bSvg = el('button', 'SVG');
  bSvg.addEventListener('click', () => {
    const svg = svgOf();
    if (svg) download(`${name}.svg`, new Blob([svg], { type: 'image/svg+xml' }));
  });
  const bPng = el('button', 'PNG');
  bPng.addEventListener('click', () => {
    const svg = svgOf();
    if (!svg) return;
    const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    const w = Number(size?.[1]) || 640;
    const h = Number(size?.[2]) || 400;
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    img.onload = () => {
      const canvas = el('canvas');
      canvas.width = w * 2;
      canvas.height = h * 2;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.fillStyle = 'white';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.scale(2, 2);
      ctx.drawImage(img, 0, 0, w, h);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => b && download(`${name}.png`, b), 'image/png');
    };
    img.src = url;
  });
  bar.append(el('span', 'Export:'), bSvg, bPng);
  return bar;
}

/** A titled figure box with export buttons; `draw` fills `body`. */
function figure(title: string, name: string) {
  const box = el('section', undefined, 'figure');
  box.dataset.figure = name;
  box.append(el('h2', title));
  const controls = el('div', undefined, 'controls');
  const body = el('div');
  box.append(controls, body, exportButtons(box, name));
  return { box, controls, body };
}

const empty = (text: string) => el('p', text, 'empty');

// ---- measures -------------------------------------------------------------------------------

interface Measure {
  study: string;
  descriptor: string;
  group: string;
  layer: string | null;
  network: string | null;
  accuracy: number | null;
  layerIndex: number | null;
  depth: number | null;
  repeat: number;
  k: number | null;
  value: number | null;
}

/** The measures as objects, made on first use (the summary, the first view, does not need them). */
let measureCache: Measure[] | undefined;
function allMeasures(): Measure[] {
  return (measureCache ??= decodeMeasures());
}

function decodeMeasures(): Measure[] {
  const m = data.measures;
  return m.value.map((value, i) => {
    const net = m.network[i] >= 0 ? data.networks[m.network[i]] : undefined;
    return {
      study: m.studies[m.study[i]],
      descriptor: m.descriptors[m.descriptor[i]],
      group: m.groups[m.group[i]],
      layer: m.layer[i] >= 0 ? m.layers[m.layer[i]] : null,
      network: net ? net.name : null,
      accuracy: net ? net.testAccuracy : null,
      layerIndex: m.layerIndex[i],
      depth: m.depth[i],
      repeat: m.repeat[i],
      k: m.k[i],
      value,
    };
  });
}

const unique = <T>(xs: T[]) => [...new Set(xs)];
/** The type of a study stored under `name` (a named study's results carry its name only). */
const kindOf = (name: string) => summary.studyKinds?.[name] ?? name;
const studiesPresent = () => new Set(summary.studies.map(kindOf));

function quantile(sorted: number[], q: number) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// ---- views ----------------------------------------------------------------------------------

function summaryView(root: HTMLElement) {
  const box = el('section', undefined, 'figure');
  box.dataset.figure = 'summary';
  box.append(el('h2', `Experiment ${summary.experiment.name}`));
  const info = el('table');
  const rows: [string, string][] = [
    ['id', summary.experiment.id],
    ['created', summary.experiment.createdAt],
    ['networks', String(summary.counts.networks)],
    ['layers', String(summary.counts.layers)],
    ['measures', String(summary.counts.measures)],
    ['studies', summary.studies.join(', ') || 'none'],
  ];
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.append(el('th', k), el('td', v));
    info.append(tr);
  }
  box.append(info);
  if (summary.runs.length) {
    box.append(el('h2', 'Runs'));
    box.append(
      table(
        ['started', 'finished', 'status', 'workers', 'version', 'error'],
        summary.runs.map((r) => [
          r.startedAt,
          r.finishedAt ?? '',
          r.status,
          r.workers === null ? '' : String(r.workers),
          r.topolensVersion,
          r.error ?? '',
        ]),
      ),
    );
  }
  if (summary.jobs.length) {
    box.append(el('h2', 'Jobs'));
    box.append(
      table(
        ['kind', 'jobs', 'failed', 'seconds'],
        summary.jobs.map((j) => [j.kind, String(j.count), String(j.failed), fmt(j.seconds, 4)]),
      ),
    );
  }
  box.append(el('h2', 'Claims and outcomes'));
  box.append(claimsTable());
  root.append(box);
}

/** "r = -0.42, p = 0.001, n = 100": a claim's numbers, in their stored order. */
function claimNumbers(numbers: Record<string, number | null>): string {
  return Object.entries(numbers)
    .map(([k, v]) => `${k} = ${fmt(v, 3)}`)
    .join(', ');
}

/** The claims the study records carry, one row each, with their outcome (docs/report.md). */
function claimsTable() {
  const claims = summary.claims;
  if (!claims.length)
    return empty(
      'No study record in this store carries claims (records written before claims were stored, or no study run).',
    );
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  for (const c of claims) counts[c.outcome]++;
  const wrap = el('div');
  wrap.dataset.role = 'claims';
  wrap.append(
    el(
      'p',
      `${claims.length} checks: ${counts.pass} pass, ${counts.fail} fail, ${counts.inconclusive} inconclusive.`,
      'details',
    ),
  );
  const t = el('table');
  const head = el('tr');
  for (const h of ['study', 'record', 'claim', 'source', 'outcome', 'numbers', 'how decided'])
    head.append(el('th', h));
  t.append(head);
  for (const c of claims.slice(0, 1000)) {
    const tr = el('tr');
    const outcome = el('td', c.outcome, `outcome outcome-${c.outcome}`);
    tr.append(
      el('td', c.study),
      el('td', c.name),
      el('td', c.claim),
      el('td', c.source),
      outcome,
      el('td', claimNumbers(c.numbers)),
      el('td', c.detail),
    );
    t.append(tr);
  }
  wrap.append(t);
  return wrap;
}

function table(head: string[], rows: string[][]) {
  const t = el('table');
  const tr = el('tr');
  for (const h of head) tr.append(el('th', h));
  t.append(tr);
  for (const r of rows.slice(0, 500)) {
    const row = el('tr');
    for (const c of r) row.append(el('td', c));
    t.append(row);
  }
  return t;
}

/** Lines above this many draw without their own bands: one band across the lines instead. */
const MAX_BANDED_LINES = 12;

function layerProfileView(root: HTMLElement) {
  const all = allMeasures().filter(
    (m) => kindOf(m.study) === 'layer-profile' && m.depth !== null && m.value !== null,
  );
  const names = unique(all.map((m) => m.study));
  if (!names.length) {
    const f = figure('Layer profile: descriptor over depth', 'layer-profile');
    root.append(f.box);
    return void f.body.append(empty('No layer-profile measures in this store.'));
  }
  // one figure per layer-profile study (an experiment may profile twice, e.g. scaled and raw)
  for (const name of names)
    layerProfileFigure(
      root,
      name,
      all.filter((m) => m.study === name),
    );
}

function layerProfileFigure(root: HTMLElement, name: string, rows: Measure[]) {
  const title =
    name === 'layer-profile'
      ? 'Layer profile: descriptor over depth'
      : `Layer profile ${name}: descriptor over depth`;
  const f = figure(title, name);
  root.append(f.box);
  const descriptors = unique(rows.map((m) => m.descriptor));
  let descriptor = descriptors[0];
  let by: 'network' | 'group' = 'network';
  const draw = () => {
    const ofDescriptor = rows.filter((m) => m.descriptor === descriptor);
    // the lines: per network its mean over repeats (repeat -1, group 'all'); per class the
    // mean over networks of the class's value
    const key = (m: Measure) => (by === 'network' ? (m.network ?? '') : m.group);
    const points =
      by === 'network'
        ? ofDescriptor.filter((m) => m.group === 'all' && m.repeat === -1)
        : ofDescriptor.filter((m) => m.group !== 'all' && m.repeat === -1);
    // the spread of each line: per network min-max over its stored repeats (repeat >= 0);
    // per class min-max over the networks
    const spreadRows =
      by === 'network' ? ofDescriptor.filter((m) => m.group === 'all' && m.repeat >= 0) : points;
    const byLine = new Map<string, Map<number, number[]>>();
    for (const m of spreadRows) {
      const k = key(m);
      let at = byLine.get(k);
      if (!at) byLine.set(k, (at = new Map()));
      const list = at.get(m.depth as number) ?? [];
      list.push(m.value as number);
      at.set(m.depth as number, list);
    }
    const lines: { line: string; depth: number; value: number; layer: string | null }[] = [];
    if (by === 'network')
      for (const m of points)
        lines.push({
          line: key(m),
          depth: m.depth as number,
          value: m.value as number,
          layer: m.layer,
        });
    else
      for (const [line, at] of byLine)
        for (const [depth, vs] of at)
          lines.push({
            line,
            depth,
            value: vs.reduce((x, y) => x + y, 0) / vs.length,
            layer: null,
          });
    lines.sort((p, q) => (p.line < q.line ? -1 : p.line > q.line ? 1 : p.depth - q.depth));
    const bands: { line: string; depth: number; lo: number; hi: number }[] = [];
    for (const [line, at] of byLine)
      for (const [depth, vs] of [...at].sort((p, q) => p[0] - q[0]))
        if (vs.length > 1) bands.push({ line, depth, lo: Math.min(...vs), hi: Math.max(...vs) });
    const names = unique(lines.map((l) => l.line));
    const many = names.length > MAX_BANDED_LINES;
    const depths = unique(lines.map((l) => l.depth)).sort((x, y) => x - y);
    const across = depths.map((d) => {
      const v = lines
        .filter((l) => l.depth === d)
        .map((l) => l.value)
        .sort((x, y) => x - y);
      return { depth: d, lo: quantile(v, 0.1), mid: quantile(v, 0.5), hi: quantile(v, 0.9) };
    });
    const chart = plot({
      width: 760,
      height: 380,
      marginLeft: 60,
      x: { label: 'depth (l+1)/L', domain: [0, 1] },
      y: { label: descriptor, grid: true },
      color: many ? undefined : { legend: false, domain: names },
      marks: [
        many
          ? Plot.areaY(across, {
              x: 'depth',
              y1: 'lo',
              y2: 'hi',
              fill: '#6b7280',
              fillOpacity: 0.15,
            })
          : Plot.areaY(bands, {
              x: 'depth',
              y1: 'lo',
              y2: 'hi',
              z: 'line',
              fill: 'line',
              fillOpacity: 0.15,
              className: 'spread-band',
            }),
        Plot.line(lines, {
          x: 'depth',
          y: 'value',
          z: 'line',
          stroke: many ? '#6b7280' : 'line',
          strokeOpacity: many ? 0.25 : 0.9,
          title: 'line',
        }),
        names.length > 1
          ? Plot.line(across, {
              x: 'depth',
              y: 'mid',
              stroke: '#111',
              strokeWidth: 2,
              strokeDasharray: '6,4',
              className: 'median-line',
            })
          : null,
        Plot.dot(lines.length < 2000 ? lines : [], {
          x: 'depth',
          y: 'value',
          fill: many ? '#6b7280' : 'line',
          r: 2.5,
          title: (l: { line: string; layer: string | null; value: number }) =>
            `${l.line}${l.layer ? ` · ${l.layer}` : ''}: ${fmt(l.value)}`,
        }),
      ],
    });
    const spreadText =
      by === 'network'
        ? 'min–max over the stored repeats (random batches) of that network'
        : 'min–max over the networks of that class';
    const note = many
      ? `Grey lines: ${names.length} ${by === 'network' ? 'networks' : 'classes'}; grey band: 10–90 % of the lines at each depth; black dashed line: their median.`
      : `Shaded band around each line: ${spreadText}${bands.length ? '' : ' (none stored: one repeat)'}.${names.length > 1 ? ' Black dashed line: the median of the lines.' : ''}`;
    f.body.replaceChildren(
      chart,
      legend(chart, many ? [] : names, names.length > 1 ? 'median of the lines' : undefined),
      el('p', note, 'empty'),
    );
  };
  f.controls.append(
    select('descriptor', descriptors, (v) => ((descriptor = v), draw()), 'descriptor').wrap,
    select(
      'line per',
      ['network', 'class'],
      (v) => ((by = v === 'class' ? 'group' : 'network'), draw()),
      'by',
    ).wrap,
  );
  draw();
}

/** A legend of `names` in the colours the chart's own colour scale gives them. */
function legend(chart: SVGSVGElement | HTMLElement, names: string[], median?: string) {
  const box = el('div', undefined, 'legend');
  if (median) {
    const item = el('span');
    item.append(el('span', undefined, 'swatch dashed'), document.createTextNode(median));
    box.append(item);
  }
  const scale = (
    chart as unknown as { scale(name: 'color'): { apply(v: unknown): unknown } | undefined }
  ).scale('color');
  if (!scale) return box;
  for (const n of names) {
    const item = el('span');
    const sw = el('span', undefined, 'swatch');
    sw.style.background = String(scale.apply(n));
    item.append(sw, document.createTextNode(n));
    box.append(item);
  }
  return box;
}

/** A colour bar: the `scheme` from `lo` to `hi`, the value axis under it labelled `label`. */
function colourRamp(scheme: Plot.ColorScheme, lo: number, hi: number, label: string) {
  const steps = 64;
  const bins = Array.from({ length: steps }, (_, i) => ({
    x1: lo + ((hi - lo) * i) / steps,
    x2: lo + ((hi - lo) * (i + 1)) / steps,
    v: lo + ((hi - lo) * (i + 0.5)) / steps,
  }));
  return plot({
    width: 320,
    height: 56,
    marginLeft: 12,
    marginRight: 16,
    marginBottom: 30,
    x: { domain: [lo, hi], label, labelAnchor: 'center', labelArrow: 'none', ticks: 5 },
    y: { axis: null, domain: [0, 1] },
    color: { scheme, domain: [lo, hi], legend: false },
    marks: [
      Plot.rect(bins, {
        x1: 'x1',
        x2: 'x2',
        y1: 0,
        y2: 1,
        fill: 'v',
        shapeRendering: 'crispEdges',
      }),
    ],
  });
}

function heatmapView(root: HTMLElement) {
  const f = figure('Layer comparison: similarity and distance matrices', 'layer-comparison');
  root.append(f.box);
  if (!data.matrices.length) return void f.body.append(empty('No matrices in this store.'));
  const labels = data.matrices.map((m, i) => `${i}: ${m.study} / ${m.measure} (${m.kind})`);
  let pick = 0;
  const draw = () => {
    const m = data.matrices[pick];
    const n = m.names.length;
    const cells: { a: string; b: string; v: number }[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        cells.push({ a: m.names[i], b: m.names[j], v: m.values[i * n + j] });
    const size = Math.max(260, Math.min(640, 40 * n + 120));
    const finite = m.values.filter(Number.isFinite);
    const lo = Math.min(...finite);
    const span = Math.max(...finite) - lo || 1;
    // viridis and magma are light at the top: dark text there, white below
    const ink = (c: { v: number }) => ((c.v - lo) / span > 0.6 ? '#111' : 'white');
    // keep the end: the seed and the layer are what tell two rows apart
    const short = (s: string) => (s.length > 20 ? `…${s.slice(-19)}` : s);
    f.body.replaceChildren(
      plot({
        width: size + 120,
        height: size,
        marginLeft: 120,
        // room for 20-character labels at -45 degrees (90 cut them off)
        marginBottom: 130,
        padding: 0,
        x: { domain: m.names, label: null, tickRotate: -45, tickFormat: short },
        y: { domain: m.names, label: null, tickFormat: short },
        color: { scheme: m.kind === 'similarity' ? 'viridis' : 'magma', legend: false },
        marks: [
          Plot.cell(cells, {
            x: 'a',
            y: 'b',
            fill: 'v',
            title: (c: { a: string; b: string; v: number }) => `${c.a} × ${c.b}: ${fmt(c.v)}`,
          }),
          n <= 16
            ? Plot.text(cells, {
                x: 'a',
                y: 'b',
                text: (c: { v: number }) => fmt(c.v, 2),
                fill: ink,
                fontSize: 10,
              })
            : null,
        ],
      }),
      colourRamp(
        m.kind === 'similarity' ? 'viridis' : 'magma',
        lo,
        lo + span,
        `${m.study} / ${m.measure} (${m.kind})`,
      ),
    );
  };
  f.controls.append(
    select('matrix', labels, (v) => ((pick = Number(v.split(':')[0])), draw()), 'matrix').wrap,
  );
  draw();
  const sens = allMeasures().filter(
    (m) => m.descriptor.startsWith('sensitivity-') && m.value !== null,
  );
  if (sens.length) {
    const g = figure('Sensitivity curves', 'sensitivity');
    root.append(g.box);
    // one panel per measure (similarities fall from 1, distances rise from 0); in each, one
    // line per network layer over k, the number of top principal directions removed
    linePanels(g.body, sens, {
      x: (m) => m.k ?? 0,
      xLabel: 'k (top directions removed)',
      line: (m) => `${m.network ?? ''}/${m.layer ?? ''}`,
      colour: (m) => m.layer ?? '',
      colours: unique(
        [...sens]
          .sort((p, q) => (p.layerIndex ?? 0) - (q.layerIndex ?? 0))
          .map((m) => m.layer ?? ''),
      ),
      scheme: 'viridis',
      yLabel: (d) => d.replace(/^sensitivity-/, ''),
    });
  }
}

interface GraphNode {
  id: number;
  size: number;
  x: number;
  y: number;
  classCounts?: Record<string, number>;
  purity?: number;
  meanLens?: number[];
  component?: number;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * One pie per Mapper node, drawn by the dot mark's render hook at the dot's own position and
 * radius: a wedge per class, its angle the class's share of the node's points, coloured by the
 * chart's class colour scale. The wedges let the pointer through to the disc (hover details).
 */
function classPies(
  index: number[],
  values: Plot.ChannelValues & Record<string, unknown>,
  scales: Plot.ScaleFunctions,
  nodes: GraphNode[],
): SVGGElement {
  const g = document.createElementNS(SVG_NS, 'g') as SVGGElement;
  g.setAttribute('class', 'mapper-pies');
  g.setAttribute('pointer-events', 'none');
  const X = values.x as ArrayLike<number>;
  const Y = values.y as ArrayLike<number>;
  const R = values.r as ArrayLike<number> | undefined;
  const colourOf = scales.color;
  if (!colourOf) return g;
  for (const i of index) {
    const counts = Object.entries(nodes[i]?.classCounts ?? {}).filter(([, k]) => k > 0);
    const total = counts.reduce((a, [, k]) => a + k, 0);
    if (counts.length < 2 || total === 0) continue;
    const cx = X[i];
    const cy = Y[i];
    const r = R ? R[i] : 3;
    let angle = -Math.PI / 2;
    const pie = document.createElementNS(SVG_NS, 'g');
    pie.dataset.node = String(nodes[i].id);
    for (const [cls, k] of counts.sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const sweep = (2 * Math.PI * k) / total;
      const x0 = cx + r * Math.cos(angle);
      const y0 = cy + r * Math.sin(angle);
      angle += sweep;
      const x1 = cx + r * Math.cos(angle);
      const y1 = cy + r * Math.sin(angle);
      const wedge = document.createElementNS(SVG_NS, 'path');
      wedge.setAttribute(
        'd',
        `M${cx},${cy}L${x0},${y0}A${r},${r} 0 ${sweep > Math.PI ? 1 : 0} 1 ${x1},${y1}Z`,
      );
      wedge.setAttribute('fill', String(colourOf(cls)));
      wedge.setAttribute('stroke', 'white');
      wedge.setAttribute('stroke-width', '0.5');
      const title = document.createElementNS(SVG_NS, 'title');
      title.textContent = `${cls}: ${k}`;
      wedge.append(title);
      pie.append(wedge);
    }
    g.append(pie);
  }
  return g;
}

function mapperView(root: HTMLElement) {
  const f = figure('Mapper graph', 'mapper');
  root.append(f.box);
  const graphs = data.mapperGraphs;
  if (!graphs.length) return void f.body.append(empty('No Mapper graphs in this store.'));
  const labels = graphs.map(
    (g, i) => `${i}: ${g.network >= 0 ? data.networks[g.network].name : '–'} / ${g.layer}`,
  );
  let pick = 0;
  let colour: 'class' | 'lens' = 'class';
  const details = el('div', 'Hover a node for its details.', 'details');
  details.dataset.role = 'mapper-details';
  const draw = () => {
    const g = graphs[pick].graph as {
      nodes: GraphNode[];
      edges: { source: number; target: number }[];
    };
    const nodes = g.nodes ?? [];
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const majority = (n: GraphNode) => {
      let best = '';
      let count = -1;
      for (const [c, k] of Object.entries(n.classCounts ?? {}))
        if (k > count) {
          best = c;
          count = k;
        }
      return best || 'none';
    };
    const edges = (g.edges ?? []).flatMap((e) => {
      const a = byId.get(e.source);
      const b = byId.get(e.target);
      return a && b ? [{ x1: a.x, y1: a.y, x2: b.x, y2: b.y }] : [];
    });
    const classes = unique([
      ...nodes.map(majority),
      ...nodes.flatMap((n) => Object.keys(n.classCounts ?? {})),
    ]).sort();
    const node = plot({
      width: 720,
      height: 560,
      inset: 24,
      x: { axis: null },
      y: { axis: null },
      r: { range: [3, 18] },
      color:
        colour === 'class'
          ? { type: 'ordinal', domain: classes, scheme: 'tableau10' }
          : { scheme: 'turbo' },
      marks: [
        Plot.frame({ stroke: '#e5e7eb' }),
        Plot.link(edges, {
          x1: 'x1',
          y1: 'y1',
          x2: 'x2',
          y2: 'y2',
          stroke: '#9ca3af',
          strokeOpacity: 0.7,
        }),
        Plot.dot(nodes, {
          x: 'x',
          y: 'y',
          r: 'size',
          fill: colour === 'class' ? majority : (n: GraphNode) => n.meanLens?.[0] ?? 0,
          stroke: 'white',
          strokeWidth: 1,
          fillOpacity: 0.9,
          className: 'mapper-node',
          // class pies: each node's class composition drawn over its disc
          render: (index, scales, values, dimensions, context, next) => {
            const g = next!(index, scales, values, dimensions, context) as SVGGElement;
            if (colour === 'class') g.append(classPies(index, values, scales, nodes));
            return g;
          },
        }),
      ],
    });
    node.querySelectorAll('g.mapper-node circle').forEach((c) => {
      c.addEventListener('pointerenter', () => {
        const i = (c as unknown as { __data__: number }).__data__;
        const n = nodes[i];
        if (!n) return;
        const counts = Object.entries(n.classCounts ?? {})
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ');
        details.textContent = `node ${n.id} · ${n.size} points · purity ${fmt(n.purity ?? null)} · lens ${(n.meanLens ?? []).map((v) => fmt(v)).join(', ')}\nclasses: ${counts || '–'}`;
      });
    });
    f.body.replaceChildren(
      node,
      colour === 'class' ? legend(node, classes) : el('p', 'Colour: mean lens value.', 'empty'),
      el(
        'p',
        colour === 'class'
          ? 'Node area: points in the node; each node is a pie of its class composition.'
          : 'Node area: points in the node.',
        'empty',
      ),
      details,
    );
  };
  f.controls.append(
    select(
      'graph (network / layer)',
      labels,
      (v) => ((pick = Number(v.split(':')[0])), draw()),
      'mapper-layer',
    ).wrap,
    select(
      'colour',
      ['class', 'lens'],
      (v) => ((colour = v as 'class' | 'lens'), draw()),
      'mapper-colour',
    ).wrap,
  );
  draw();
}

function persistenceView(root: HTMLElement) {
  const f = figure('Persistence: diagram, barcode and Betti curve', 'persistence');
  root.append(f.box);
  const ds = data.diagrams;
  if (!ds.length) return void f.body.append(empty('No persistence diagrams in this store.'));
  const netName = (d: (typeof ds)[number]) =>
    d.network >= 0 ? data.networks[d.network].name : '–';
  const fields = ['network', 'layer', 'dimension', 'group', 'repeat'] as const;
  type Pick = Record<(typeof fields)[number], string>;
  const valueOf = (d: (typeof ds)[number], k: (typeof fields)[number]) =>
    k === 'network'
      ? netName(d)
      : k === 'layer'
        ? d.layer
        : k === 'dimension'
          ? `H${d.dimension}`
          : k === 'group'
            ? d.group
            : String(d.repeat);
  const matches = (p: Pick, upTo: number) => (d: (typeof ds)[number]) =>
    fields.slice(0, upTo).every((k) => valueOf(d, k) === p[k]);
  // layers in capture order (the store sorts them by name)
  const layerOrder = new Map(data.layers.map((l) => [l.name, l.index]));
  const order = (k: (typeof fields)[number], vs: string[]) =>
    k === 'layer' ? vs.sort((x, y) => (layerOrder.get(x) ?? 0) - (layerOrder.get(y) ?? 0)) : vs;
  const optionsFor = (p: Pick, i: number) =>
    order(fields[i], unique(ds.filter(matches(p, i)).map((d) => valueOf(d, fields[i]))));
  const side = (name: 'left' | 'right', initial: Partial<Pick>) => {
    const p = {} as Pick;
    const box = el('div');
    const controls = el('div', undefined, 'controls');
    const body = el('div');
    box.dataset.side = name;
    box.append(controls, body);
    const rebuild = (from: number) => {
      // each selector offers what the ones before it leave; keeps the current pick if it can
      for (let i = from; i < fields.length; i++) {
        const opts = optionsFor(p, i);
        if (!opts.includes(p[fields[i]])) {
          const want = initial[fields[i]];
          p[fields[i]] = want !== undefined && opts.includes(want) ? want : opts[0];
        }
      }
      controls.replaceChildren(
        ...fields.map((k, i) => {
          const s = select(
            k,
            optionsFor(p, i),
            (v) => ((p[k] = v), rebuild(i + 1)),
            `diagram-${name}-${k}`,
          );
          s.select.value = p[k];
          return s.wrap;
        }),
      );
      const d = ds.find(matches(p, fields.length));
      body.replaceChildren(d ? panel(d) : empty('No diagram for this choice.'));
    };
    rebuild(0);
    return box;
  };
  const panel = (d: (typeof ds)[number]) => {
    const finite = d.deaths.filter((x): x is number => x !== null);
    const top = Math.max(1e-9, ...d.births, ...finite) * 1.05;
    const pts = d.births.map((b, j) => ({
      b,
      d: d.deaths[j] ?? top,
      essential: d.deaths[j] === null,
      j,
    }));
    const bars = [...pts]
      .sort((p, q) => q.d - q.b - (p.d - p.b))
      .map((p, rank) => ({ ...p, rank }));
    const wrap = el('div');
    wrap.append(
      el(
        'div',
        `${netName(d)} / ${d.layer} / H${d.dimension} / ${d.group} #${d.repeat}: ${d.births.length} bars, ${d.deaths.length - finite.length} essential`,
        'details',
      ),
      plot({
        width: 360,
        height: 320,
        x: { label: 'birth', domain: [0, top] },
        y: { label: 'death', domain: [0, top], grid: true },
        marks: [
          Plot.line(
            [
              [0, 0],
              [top, top],
            ],
            { stroke: '#9ca3af' },
          ),
          Plot.dot(pts, {
            x: 'b',
            y: 'd',
            fill: (p: { essential: boolean }) => (p.essential ? '#e15759' : '#4e79a7'),
            r: 3,
            title: (p: { b: number; d: number; essential: boolean }) =>
              `(${fmt(p.b)}, ${p.essential ? '∞' : fmt(p.d)})`,
          }),
        ],
      }),
      plot({
        width: 360,
        height: Math.min(300, 60 + 4 * bars.length),
        x: { label: 'filtration (barcode)', domain: [0, top] },
        y: { axis: null },
        marks: [
          Plot.ruleY(bars, {
            y: 'rank',
            x1: 'b',
            x2: 'd',
            stroke: (p: { essential: boolean }) => (p.essential ? '#e15759' : '#4e79a7'),
          }),
        ],
      }),
      plot({
        width: 360,
        height: 180,
        x: { label: 'filtration', domain: [0, top] },
        y: { label: `Betti ${d.dimension}`, grid: true },
        marks: [
          Plot.lineY(bettiCurve(d.births, d.deaths, top), {
            x: 't',
            y: 'betti',
            curve: 'step-after',
            stroke: '#4e79a7',
          }),
        ],
      }),
    );
    return wrap;
  };
  // the right side starts at another layer of the same network, dimension and group
  const first = ds[0];
  const sameOthers = ds.filter(
    (d) =>
      d.network === first.network &&
      d.dimension === first.dimension &&
      d.group === first.group &&
      d.layer !== first.layer,
  );
  const lastLayer = order('layer', unique(sameOthers.map((d) => d.layer))).at(-1);
  const sides = el('div', undefined, 'side-by-side');
  sides.append(
    side('left', {}),
    side(
      'right',
      lastLayer ? { layer: lastLayer, group: first.group, dimension: `H${first.dimension}` } : {},
    ),
  );
  f.body.append(
    sides,
    el(
      'p',
      'Red: essential classes (infinite death, drawn at the top). Barcode: bars sorted by length. Betti curve: bars alive at each filtration value.',
      'empty',
    ),
  );
}

/** Fewest points (networks) from which a regression's confidence band is drawn. */
const MIN_BAND_NETWORKS = 10;

interface RicciResult {
  results: {
    k: number;
    networks: {
      network: string;
      accuracy: number;
      rho: number | null;
      included: boolean;
      exclusion?: string;
      layers: { curvature: number; geodesicMass: number | null }[];
    }[];
    pooled?: { pearson?: { r: number; pValue?: number } };
  }[];
}

function ricciView(root: HTMLElement) {
  const rec = data.studyResults.find((s) => kindOf(s.study) === 'ricci-flow')?.result as
    RicciResult | undefined;
  const rho = allMeasures().filter((m) => m.descriptor === 'ricci-rho' && m.value !== null);
  const f = figure('Ricci flow: rho per k and accuracy', 'ricci-flow');
  root.append(f.box);
  if (!rec && !rho.length) return void f.body.append(empty('No Ricci-flow results in this store.'));
  if (rho.length) {
    const perK = new Map<number | null, number>();
    for (const m of rho) perK.set(m.k, (perK.get(m.k) ?? 0) + 1);
    const fewest = Math.min(...perK.values());
    const banded = fewest >= MIN_BAND_NETWORKS;
    // k in numeric order (as text, 10 < 180 < 40 would sort first)
    const kOrder = [...perK.keys()].sort((a, b) => (a ?? 0) - (b ?? 0));
    const scatter = plot({
      width: 400,
      height: 320,
      x: { label: 'test accuracy' },
      // nice and inset: a point at the extreme sat on the axis and its labels
      y: { label: 'rho', grid: true, nice: true, inset: 6 },
      color: { type: 'ordinal', legend: false, domain: kOrder.map((kv) => `k=${kv}`) },
      marks: [
        Plot.dot(rho, {
          x: 'accuracy',
          y: 'value',
          stroke: (m: Measure) => `k=${m.k}`,
          r: 2,
          title: 'network',
        }),
        Plot.linearRegressionY(rho, {
          x: 'accuracy',
          y: 'value',
          stroke: (m: Measure) => `k=${m.k}`,
          // a confidence band only from enough networks (docs/report.md)
          ci: banded ? 0.95 : 0,
        }),
      ],
    });
    f.body.append(
      plot({
        width: 360,
        height: 320,
        x: { label: 'k', type: 'band', domain: kOrder.map(String) },
        y: { label: 'rho (flow coefficient)', grid: true, nice: true, inset: 6 },
        marks: [Plot.boxY(rho, { x: (m: Measure) => String(m.k), y: 'value' })],
      }),
      scatter,
      legend(
        scatter,
        kOrder.map((kv) => `k=${kv}`),
      ),
      el(
        'p',
        banded
          ? `Lines: least-squares fit per k with its 95 % confidence band (${fewest} or more networks per k).`
          : `Lines: least-squares fit per k; no confidence band: ${fewest} network(s) at some k, a band needs at least ${MIN_BAND_NETWORKS}.`,
        'empty',
      ),
    );
  }
  if (!rec?.results?.length) return;
  const ks = rec.results.map((r) => String(r.k));
  const g = figure('Ricci flow: Ric_(l-1) against g_l − g_(l-1)', 'ricci-scatter');
  root.append(g.box);
  let k = 0;
  const draw = () => {
    const res = rec.results[k];
    const pts: { ric: number; dg: number; layer: number; network: string }[] = [];
    const curv: { layer: number; curvature: number }[] = [];
    for (const n of res.networks) {
      n.layers.forEach((l, i) => curv.push({ layer: i, curvature: l.curvature }));
      if (!n.included) continue;
      for (let l = 1; l < n.layers.length; l++) {
        const g0 = n.layers[l - 1].geodesicMass;
        const g1 = n.layers[l].geodesicMass;
        if (g0 !== null && g1 !== null)
          pts.push({ ric: n.layers[l - 1].curvature, dg: g1 - g0, layer: l, network: n.network });
      }
    }
    const excluded = res.networks.filter((n) => !n.included);
    g.body.replaceChildren(
      plot({
        width: 440,
        height: 340,
        marginLeft: 70,
        // curvature sums run to millions: SI ticks (−2.6M), few enough not to run together
        x: { label: 'Ric(l-1)', ticks: 4, tickFormat: '~s' },
        y: { label: 'g(l) − g(l-1)', grid: true, tickFormat: '~s' },
        marks: [
          Plot.dot(pts.length > 20000 ? pts.slice(0, 20000) : pts, {
            x: 'ric',
            y: 'dg',
            r: pts.length > 2000 ? 1.2 : 2.5,
            fill: '#4e79a7',
            fillOpacity: pts.length > 2000 ? 0.3 : 0.8,
          }),
          Plot.linearRegressionY(pts, { x: 'ric', y: 'dg', stroke: '#e15759' }),
        ],
      }),
      plot({
        width: 380,
        height: 340,
        marginLeft: 70,
        x: { label: 'layer', type: 'band' },
        y: {
          label: 'Ric_l (sum of edge curvatures)',
          grid: true,
          tickFormat: '~s',
          nice: true,
          inset: 6,
        },
        marks: [Plot.boxY(curv, { x: 'layer', y: 'curvature' })],
      }),
      el(
        'p',
        `pooled r = ${fmt(res.pooled?.pearson?.r ?? null)} (p = ${fmt(res.pooled?.pearson?.pValue ?? null, 2)}), ${pts.length} pairs`,
        'details',
      ),
      el(
        'p',
        `excluded: ${excluded.length ? excluded.map((n) => `${n.network} (${n.exclusion ?? ''})`).join('; ') : 'none'}`,
        'details',
      ),
    );
  };
  g.controls.append(select('k', ks, (v) => ((k = ks.indexOf(v)), draw()), 'ricci-k').wrap);
  draw();
}

/** Pearson correlation of two equal-length arrays (NaN with fewer than 2 pairs or no spread). */
function pearson(x: number[], y: number[]): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Small multiples: one panel per descriptor of `rows`, each on its own y scale (a distance in the
 * hundreds would flatten a similarity of 0-1 on a shared axis), a line per `line` key drawn in
 * order of `x`, coloured by `colour` over `colours`; one legend of the colours under them.
 * `extra` adds marks to a descriptor's panel.
 */
function linePanels(
  body: HTMLElement,
  rows: Measure[],
  o: {
    x: (m: Measure) => number;
    xLabel: string;
    xDomain?: [number, number];
    line: (m: Measure) => string;
    colour: (m: Measure) => string;
    colours: string[];
    scheme?: Plot.ColorScheme;
    yLabel?: (descriptor: string) => string;
    extra?: (descriptor: string) => Plot.Markish;
  },
) {
  const panels = el('div', undefined, 'panels');
  let first: SVGSVGElement | HTMLElement | undefined;
  for (const descriptor of unique(rows.map((m) => m.descriptor))) {
    const sel = rows
      .filter((m) => m.descriptor === descriptor)
      .sort((p, q) => (o.line(p) < o.line(q) ? -1 : o.line(p) > o.line(q) ? 1 : o.x(p) - o.x(q)));
    const chart = plot({
      width: 370,
      height: 230,
      marginLeft: 50,
      x: { label: o.xLabel, ...(o.xDomain ? { domain: o.xDomain } : {}) },
      y: { label: o.yLabel ? o.yLabel(descriptor) : descriptor, grid: true, nice: true },
      color: { domain: o.colours, legend: false, ...(o.scheme ? { scheme: o.scheme } : {}) },
      marks: [
        o.extra ? o.extra(descriptor) : null,
        Plot.line(sel, { x: o.x, y: 'value', z: o.line, stroke: o.colour }),
        Plot.dot(sel, {
          x: o.x,
          y: 'value',
          fill: o.colour,
          r: 2,
          title: (m: Measure) => `${o.line(m)} at ${fmt(o.x(m))}: ${fmt(m.value as number)}`,
        }),
      ],
    });
    first ??= chart;
    panels.append(chart);
  }
  body.append(panels, legend(first as SVGSVGElement, o.colours));
}

/**
 * Profiles over depth not tied to one network: one panel per descriptor, a line per group;
 * where the study stores the descriptor's peak depth (`<descriptor>-peak-depth`, no depth of its
 * own), a dashed vertical rule marks each group's peak.
 */
function depthProfilePanels(body: HTMLElement, all: Measure[]) {
  const rows = all.filter((m) => m.depth !== null);
  linePanels(body, rows, {
    x: (m) => m.depth as number,
    xLabel: 'depth (l+1)/L',
    xDomain: [0, 1],
    line: (m) => m.group,
    colour: (m) => m.group,
    colours: unique(rows.map((m) => m.group)),
    extra: (descriptor) =>
      Plot.ruleX(
        all.filter((m) => m.depth === null && m.descriptor === `${descriptor}-peak-depth`),
        { x: 'value', stroke: 'group', strokeDasharray: '4,3', strokeOpacity: 0.7 },
      ),
  });
}

function otherMeasuresView(root: HTMLElement, studies: string[]) {
  for (const study of studies) {
    const rows = allMeasures().filter((m) => m.study === study && m.value !== null);
    const f = figure(`${study}: measures`, study);
    root.append(f.box);
    // profiles over depth not tied to one network (e.g. architecture-comparison: one profile per
    // architecture on the common depth grid): one panel per descriptor, a line per group
    if (rows.some((m) => m.depth !== null) && rows.every((m) => m.network === null)) {
      depthProfilePanels(f.body, rows);
      continue;
    }
    const descriptors = unique(rows.map((m) => m.descriptor));
    let d = descriptors[0];
    const draw = () => {
      const sel = rows.filter((m) => m.descriptor === d);
      const withAcc = sel.some((m) => m.accuracy !== null) && kindOf(study) === 'generalization';
      const pairs = sel.filter((m) => m.accuracy !== null);
      const note = withAcc
        ? el(
            'p',
            `Pearson r = ${fmt(
              pearson(
                pairs.map((m) => m.accuracy as number),
                pairs.map((m) => m.value as number),
              ),
            )}, n = ${pairs.length} networks (the line: least squares${pairs.length >= MIN_BAND_NETWORKS ? ' with its 95 % band' : `; no band under ${MIN_BAND_NETWORKS} networks`})`,
            'details',
          )
        : el('p', '');
      f.body.replaceChildren(
        plot({
          width: 720,
          height: 320,
          marginLeft: 60,
          y: { grid: true, label: d },
          x: withAcc ? { label: 'test accuracy' } : { label: 'group', type: 'band' },
          marks: withAcc
            ? [
                Plot.dot(sel, { x: 'accuracy', y: 'value', r: 3 }),
                Plot.linearRegressionY(sel, {
                  x: 'accuracy',
                  y: 'value',
                  ci: pairs.length >= MIN_BAND_NETWORKS ? 0.95 : 0,
                }),
              ]
            : [Plot.dot(sel, { x: 'group', y: 'value', r: 3, fill: '#4e79a7' })],
        }),
        note,
      );
    };
    f.controls.append(select('descriptor', descriptors, (v) => ((d = v), draw())).wrap);
    draw();
  }
}

interface AdversarialRecord {
  groupings: {
    grouping: string;
    layers: { name: string; index: number; depth: number }[];
    results: {
      eps: number;
      accuracy: number;
      macroF1: number;
      attackSuccess: number;
      profiles: { descriptor: string; mean: number[] }[];
    }[];
    trend: { descriptor: string; spearman: number | null }[];
  }[];
}

/** The claims of one study record, as lines under its figure. */
function claimLines(study: string, name: string) {
  const box = el('div', undefined, 'details');
  for (const c of summary.claims.filter((c) => c.study === study && c.name === name))
    box.append(el('div', `${c.outcome.toUpperCase()}: ${c.claim} (${claimNumbers(c.numbers)})`));
  return box;
}

function adversarialView(root: HTMLElement) {
  const records = data.studyResults.filter((s) => kindOf(s.study) === 'adversarial');
  const f = figure('Adversarial: attack success and descriptors over eps', 'adversarial');
  root.append(f.box);
  if (!records.length) return void f.body.append(empty('No adversarial study in this store.'));
  let rec = 0;
  let grouping = 0;
  let descriptor = '';
  const draw = () => {
    const r = records[rec].result as AdversarialRecord;
    const gr = r.groupings[Math.min(grouping, r.groupings.length - 1)];
    const descriptors = unique(gr.results.flatMap((e) => e.profiles.map((p) => p.descriptor)));
    if (!descriptors.includes(descriptor)) descriptor = descriptors[0] ?? '';
    const success = gr.results.flatMap((e) => [
      { eps: e.eps, value: e.attackSuccess, what: 'attack success (1 − accuracy)' },
      { eps: e.eps, value: e.macroF1, what: 'macro-F1 against true labels' },
    ]);
    const curves = gr.results.flatMap((e) => {
      const p = e.profiles.find((q) => q.descriptor === descriptor);
      return p
        ? gr.layers.map((l, i) => ({ eps: e.eps, layer: l.name, depth: l.depth, value: p.mean[i] }))
        : [];
    });
    const trend = gr.trend.find((t) => t.descriptor === descriptor);
    const left = plot({
      width: 360,
      height: 300,
      x: { label: 'eps' },
      y: { label: 'share', domain: [0, 1], grid: true },
      color: { legend: false, domain: unique(success.map((x) => x.what)) },
      marks: [
        Plot.line(success, { x: 'eps', y: 'value', stroke: 'what' }),
        Plot.dot(success, { x: 'eps', y: 'value', fill: 'what', r: 3 }),
      ],
    });
    const layers = gr.layers.map((l) => l.name);
    const right = plot({
      width: 400,
      height: 300,
      marginLeft: 60,
      x: { label: 'eps' },
      y: { label: descriptor, grid: true },
      color: { legend: false, domain: layers, scheme: 'viridis' },
      marks: [
        Plot.line(curves, { x: 'eps', y: 'value', z: 'layer', stroke: 'layer' }),
        Plot.dot(curves, {
          x: 'eps',
          y: 'value',
          fill: 'layer',
          r: 2.5,
          title: (c: { layer: string; eps: number; value: number }) =>
            `${c.layer}, eps ${c.eps}: ${fmt(c.value)}`,
        }),
      ],
    });
    const side = el('div', undefined, 'side-by-side');
    const a = el('div');
    a.append(left, legend(left, unique(success.map((x) => x.what))));
    const b = el('div');
    b.append(right, legend(right, layers));
    side.append(a, b);
    f.body.replaceChildren(
      side,
      el(
        'p',
        `Spearman over eps of attack success with the layers' mean ${descriptor}: ${fmt(trend?.spearman ?? null)} (${gr.results.length} eps).`,
        'details',
      ),
      claimLines('adversarial', records[rec].name),
    );
  };
  const first = records[0].result as AdversarialRecord;
  f.controls.append(
    select(
      'record',
      records.map((r) => r.name),
      (v) => {
        rec = records.findIndex((r) => r.name === v);
        draw();
      },
      'adversarial-record',
    ).wrap,
    select(
      'grouping',
      first.groupings.map((g) => g.grouping),
      (v) => {
        grouping = (records[rec].result as AdversarialRecord).groupings.findIndex(
          (g) => g.grouping === v,
        );
        draw();
      },
      'adversarial-grouping',
    ).wrap,
    select(
      'descriptor',
      unique(
        first.groupings.flatMap((g) =>
          g.results.flatMap((e) => e.profiles.map((p) => p.descriptor)),
        ),
      ),
      (v) => ((descriptor = v), draw()),
      'adversarial-descriptor',
    ).wrap,
  );
  draw();
}

interface PopulationRecord {
  populations: [string, string];
  layers: {
    name: string;
    index: number;
    depth: number;
    tests: {
      statistic: string;
      valueA: number | null;
      valueB: number | null;
      observed: number;
      pValue: number;
      pHolm: number;
    }[];
  }[];
}

function populationView(root: HTMLElement) {
  const records = data.studyResults.filter((s) => kindOf(s.study) === 'population-comparison');
  const f = figure(
    'Population comparison: descriptors per layer and p-values',
    'population-comparison',
  );
  root.append(f.box);
  if (!records.length) return void f.body.append(empty('No population comparison in this store.'));
  let rec = 0;
  let statistic = '';
  const draw = () => {
    const r = records[rec].result as PopulationRecord;
    const stats = unique(r.layers.flatMap((l) => l.tests.map((t) => t.statistic)));
    if (!stats.includes(statistic)) statistic = stats[0] ?? '';
    const [nameA, nameB] = r.populations;
    const rows = r.layers.flatMap((l) =>
      l.tests
        .filter((t) => t.statistic === statistic)
        .map((t) => ({ layer: l.name, depth: l.depth, ...t })),
    );
    const values = rows.flatMap((t) =>
      t.valueA === null || t.valueB === null
        ? [{ depth: t.depth, layer: t.layer, value: t.observed, population: 'observed statistic' }]
        : [
            { depth: t.depth, layer: t.layer, value: t.valueA, population: nameA },
            { depth: t.depth, layer: t.layer, value: t.valueB, population: nameB },
          ],
    );
    const ps = rows.flatMap((t) => [
      { depth: t.depth, layer: t.layer, p: Math.max(t.pValue, 1e-6), which: 'permutation p' },
      { depth: t.depth, layer: t.layer, p: Math.max(t.pHolm, 1e-6), which: 'Holm-adjusted p' },
    ]);
    const groups = unique(values.map((v) => v.population));
    const left = plot({
      width: 380,
      height: 300,
      marginLeft: 60,
      x: { label: 'depth (l+1)/L', domain: [0, 1] },
      y: { label: statistic, grid: true },
      color: { legend: false, domain: groups },
      marks: [
        Plot.line(values, { x: 'depth', y: 'value', stroke: 'population' }),
        Plot.dot(values, {
          x: 'depth',
          y: 'value',
          fill: 'population',
          r: 3,
          title: (v: { population: string; layer: string; value: number }) =>
            `${v.population}, ${v.layer}: ${fmt(v.value)}`,
        }),
      ],
    });
    const kinds = unique(ps.map((x) => x.which));
    const right = plot({
      width: 380,
      height: 300,
      marginLeft: 60,
      x: { label: 'depth (l+1)/L', domain: [0, 1] },
      y: {
        label: 'p-value (log)',
        type: 'log',
        grid: true,
        domain: [Math.min(0.001, ...ps.map((x) => x.p)), 1],
        tickFormat: (v: number) => fmt(v, 2),
      },
      color: { legend: false, domain: kinds },
      marks: [
        Plot.ruleY([0.05], { stroke: '#b91c1c', strokeDasharray: '4,3' }),
        Plot.line(ps, { x: 'depth', y: 'p', stroke: 'which' }),
        Plot.dot(ps, {
          x: 'depth',
          y: 'p',
          fill: 'which',
          r: 3,
          title: (v: { which: string; layer: string; p: number }) =>
            `${v.which}, ${v.layer}: ${fmt(v.p)}`,
        }),
      ],
    });
    const side = el('div', undefined, 'side-by-side');
    const a = el('div');
    a.append(left, legend(left, groups));
    const b = el('div');
    b.append(right, legend(right, kinds), el('p', 'Red dashed line: p = 0.05.', 'empty'));
    side.append(a, b);
    f.body.replaceChildren(
      side,
      table(
        ['layer', nameA, nameB, 'observed', 'p', 'p (Holm)'],
        rows.map((t) => [
          t.layer,
          fmt(t.valueA),
          fmt(t.valueB),
          fmt(t.observed),
          fmt(t.pValue, 2),
          fmt(t.pHolm, 2),
        ]),
      ),
      claimLines('population-comparison', records[rec].name),
    );
  };
  const first = records[0].result as PopulationRecord;
  f.controls.append(
    select(
      'record',
      records.map((r) => r.name),
      (v) => {
        rec = records.findIndex((r) => r.name === v);
        draw();
      },
      'population-record',
    ).wrap,
    select(
      'statistic',
      unique(first.layers.flatMap((l) => l.tests.map((t) => t.statistic))),
      (v) => ((statistic = v), draw()),
      'population-statistic',
    ).wrap,
  );
  draw();
}

// ---- shell ----------------------------------------------------------------------------------

interface View {
  id: string;
  title: string;
  draw: (root: HTMLElement) => void;
}

/** The views of the current data: the fixed ones, then those of the studies present. */
function viewsOf(): View[] {
  const views: View[] = [
    { id: 'summary', title: 'Summary', draw: summaryView },
    { id: 'layer-profile', title: 'Layer profile', draw: layerProfileView },
    { id: 'persistence', title: 'Persistence', draw: persistenceView },
    { id: 'layer-comparison', title: 'Layer comparison', draw: heatmapView },
    { id: 'mapper', title: 'Mapper', draw: mapperView },
    { id: 'ricci-flow', title: 'Ricci flow', draw: ricciView },
  ];
  const present = studiesPresent();
  if (present.has('adversarial'))
    views.push({ id: 'adversarial', title: 'Adversarial', draw: adversarialView });
  if (present.has('population-comparison'))
    views.push({ id: 'population-comparison', title: 'Populations', draw: populationView });
  const covered = new Set([
    'layer-profile',
    'layer-comparison',
    'mapper',
    'ricci-flow',
    'adversarial',
    'population-comparison',
  ]);
  const others = summary.measureStudies.filter((s) => !covered.has(kindOf(s)));
  if (others.length)
    views.push({ id: 'other', title: 'Other studies', draw: (r) => otherMeasuresView(r, others) });
  return views;
}

/**
 * Served by `topolens serve`: polls the running runs (progress line in the header) and the
 * store's stamp; when the stamp changes, fetches the data again and redraws the open view.
 */
function watchServer(header: HTMLElement, redraw: () => void) {
  const line = el('div', '', 'progress');
  line.dataset.role = 'progress';
  header.append(line);
  let stamp: string | undefined;
  let redraws = 0;
  const poll = async () => {
    try {
      const r = await fetch('api/progress', { cache: 'no-store' });
      if (!r.ok) throw new Error(String(r.status));
      const p = (await r.json()) as { running: { id: string; started_at: string; jobs: number }[] };
      line.textContent = p.running.length
        ? p.running
            .map((x) => `run ${x.id} running since ${x.started_at}: ${x.jobs} jobs done`)
            .join(' · ')
        : 'no run in progress';
    } catch {
      line.textContent = 'progress unavailable (the store is busy or the server stopped)';
    }
    try {
      const v = await fetch('api/version', { cache: 'no-store' });
      if (!v.ok) return;
      const next = ((await v.json()) as { stamp: string }).stamp;
      if (stamp !== undefined && next !== stamp) {
        const d = await fetch('api/report', { cache: 'no-store' });
        if (!d.ok) return;
        dataCache = data = (await d.json()) as ReportData;
        summary = summarizeReport(data);
        measureCache = undefined;
        redraw();
        document.body.dataset.redraws = String(++redraws);
      }
      stamp = next;
      document.body.dataset.stamp = stamp;
    } catch {
      // keep the last drawn data; the next poll tries again
    }
  };
  void poll();
  setInterval(() => void poll(), 2000);
}

function start() {
  const app = document.getElementById('app') as HTMLElement;
  const header = el('header');
  header.append(el('h1', `topolens report — ${summary.experiment.name}`));
  const nav = el('nav');
  nav.setAttribute('role', 'tablist');
  const main = el('main');
  let views = viewsOf();
  let current = location.hash.slice(1) || 'summary';
  const show = (id: string) => {
    const v = views.find((x) => x.id === id) ?? views[0];
    current = v.id;
    nav
      .querySelectorAll('button')
      .forEach((b) => b.setAttribute('aria-selected', String(b.dataset.view === v.id)));
    main.replaceChildren();
    if (v.id !== 'summary') data = fullData();
    main.dataset.view = v.id;
    v.draw(main);
    document.body.dataset.rendered = v.id;
  };
  const tabs = () => {
    nav.replaceChildren(
      ...views.map((v) => {
        const b = el('button', v.title);
        b.dataset.view = v.id;
        b.setAttribute('role', 'tab');
        b.addEventListener('click', () => show(v.id));
        return b;
      }),
    );
  };
  tabs();
  app.replaceChildren(header, nav, main);
  if (location.protocol === 'http:' || location.protocol === 'https:')
    watchServer(header, () => {
      views = viewsOf();
      tabs();
      show(current);
    });
  show(current);
}

start();
