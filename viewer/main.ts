/**
 * The report viewer (docs/report.md): reads the report data embedded in the page and draws one
 * view per study with Observable Plot. Data reaches the page only through DOM text (textContent,
 * attributes set by Plot), never as markup.
 */
import * as Plot from '@observablehq/plot';
import './style.css';
import type { ReportData } from '../src/report/reportData.js';

type Row = Record<string, unknown>;

const data = JSON.parse(
  document.getElementById('report-data')?.textContent ?? 'null',
) as ReportData;

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

/** Serialised SVG of a chart, with the chart stylesheet rules written in. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = '.tl-plot{background:white} text,tspan{white-space:pre}';
  copy.insertBefore(style, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

function exportButtons(figure: HTMLElement, name: string) {
  const bar = el('div', undefined, 'controls');
  const svgOf = () => figure.querySelector('svg.tl-plot') as SVGSVGElement | null;
  const bSvg = el('button', 'SVG');
  bSvg.addEventListener('click', () => {
    const svg = svgOf();
    if (svg) download(`${name}.svg`, new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  });
  const bPng = el('button', 'PNG');
  bPng.addEventListener('click', () => {
    const svg = svgOf();
    if (!svg) return;
    const w = svg.width.baseVal.value || 640;
    const h = svg.height.baseVal.value || 400;
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
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
const studiesPresent = new Set([
  ...data.measures.studies,
  ...data.studyResults.map((s) => s.study),
  ...data.matrices.map((m) => m.study),
]);

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
  box.append(el('h2', `Experiment ${data.experiment.name}`));
  const info = el('table');
  const rows: [string, string][] = [
    ['id', data.experiment.id],
    ['created', data.experiment.createdAt],
    ['networks', String(data.networks.length)],
    ['layers', String(data.layers.length)],
    ['measures', String(data.measures.value.length)],
    ['studies', [...studiesPresent].join(', ') || 'none'],
  ];
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.append(el('th', k), el('td', v));
    info.append(tr);
  }
  box.append(info);
  if (data.runs.length) {
    box.append(el('h2', 'Runs'));
    box.append(
      table(
        ['started', 'finished', 'status', 'workers', 'version', 'error'],
        data.runs.map((r) => [
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
  if (data.jobs.length) {
    box.append(el('h2', 'Jobs'));
    box.append(
      table(
        ['kind', 'jobs', 'failed', 'seconds'],
        data.jobs.map((j) => [j.kind, String(j.count), String(j.failed), fmt(j.seconds, 4)]),
      ),
    );
  }
  if (data.studyResults.length) {
    box.append(el('h2', 'Study results and their checks'));
    const out: string[][] = [];
    for (const s of data.studyResults) {
      const checks = findChecks(s.result);
      if (checks.length === 0) out.push([s.study, s.name, '', '']);
      for (const c of checks) out.push([s.study, s.name, c.claim, c.outcome]);
    }
    box.append(table(['study', 'name', 'claim', 'outcome'], out));
  }
  root.append(box);
}

/** Checks a study record carries, as { claim, outcome } (records with a `checks` list). */
function findChecks(result: unknown): { claim: string; outcome: string }[] {
  const checks = (result as { checks?: unknown } | null)?.checks;
  if (!Array.isArray(checks)) return [];
  return checks.map((c: Row) => ({
    claim: String(c.claim ?? c.name ?? c.id ?? ''),
    outcome: String(
      c.outcome ?? c.status ?? (c.passed === undefined ? '' : c.passed ? 'holds' : 'fails'),
    ),
  }));
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

function layerProfileView(root: HTMLElement) {
  const rows = allMeasures().filter(
    (m) => m.study === 'layer-profile' && m.depth !== null && m.value !== null && m.repeat === -1,
  );
  const f = figure('Layer profile: descriptor over depth', 'layer-profile');
  root.append(f.box);
  if (!rows.length) return void f.body.append(empty('No layer-profile measures in this store.'));
  const descriptors = unique(rows.map((m) => m.descriptor));
  let descriptor = descriptors[0];
  let by: 'network' | 'group' = 'network';
  const draw = () => {
    const sel = rows.filter(
      (m) =>
        m.descriptor === descriptor && (by === 'network' ? m.group === 'all' : m.group !== 'all'),
    );
    const key = (m: Measure) => (by === 'network' ? (m.network ?? '') : m.group);
    const depths = unique(sel.map((m) => m.depth as number)).sort((a, b) => a - b);
    const band = depths.map((d) => {
      const v = sel
        .filter((m) => m.depth === d)
        .map((m) => m.value as number)
        .sort((a, b) => a - b);
      return { depth: d, lo: quantile(v, 0.1), mid: quantile(v, 0.5), hi: quantile(v, 0.9) };
    });
    const many = unique(sel.map(key)).length > 12;
    const chart = plot({
      width: 760,
      height: 380,
      marginLeft: 60,
      x: { label: 'depth (l+1)/L', domain: [0, 1] },
      y: { label: descriptor, grid: true },
      color: many ? undefined : { legend: false },
      marks: [
        Plot.areaY(band, { x: 'depth', y1: 'lo', y2: 'hi', fill: '#2563eb', fillOpacity: 0.15 }),
        Plot.line(sel, {
          x: 'depth',
          y: 'value',
          z: key,
          stroke: many ? '#6b7280' : key,
          strokeOpacity: many ? 0.25 : 0.9,
          title: key,
        }),
        Plot.line(band, { x: 'depth', y: 'mid', stroke: '#1d4ed8', strokeWidth: 2.5 }),
        Plot.dot(sel.length < 2000 ? sel : [], {
          x: 'depth',
          y: 'value',
          fill: many ? '#6b7280' : key,
          r: 2.5,
          title: (m: Measure) => `${key(m)} · ${m.layer}: ${fmt(m.value)}`,
        }),
      ],
    });
    f.body.replaceChildren(
      chart,
      legend(chart, many ? [] : unique(sel.map(key))),
      el('p', 'Band: 10–90 % of the lines at each depth; thick line: their median.', 'empty'),
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
function legend(chart: SVGSVGElement | HTMLElement, names: string[]) {
  const box = el('div', undefined, 'legend');
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
        marginBottom: 90,
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
    // one curve per measure and layer: the measure against the number k of top principal
    // directions removed, one panel per measure (similarities fall from 1, distances rise from 0)
    const series = (m: Measure) => `${m.descriptor} ${m.network ?? ''}/${m.layer ?? ''}`;
    const chart = plot({
      width: 760,
      height: 320,
      y: { grid: true, label: 'measure against the original' },
      x: { label: 'k (top principal directions removed)' },
      fx: { label: null },
      marks: [
        Plot.line(sens, { fx: 'descriptor', x: 'k', y: 'value', z: series, stroke: 'descriptor' }),
        Plot.dot(sens, { fx: 'descriptor', x: 'k', y: 'value', fill: 'descriptor', r: 2 }),
      ],
    });
    g.body.append(chart, legend(chart, unique(sens.map((m) => m.descriptor))));
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
    const classes = unique(nodes.map(majority)).sort();
    const node = plot({
      width: 720,
      height: 560,
      inset: 24,
      x: { axis: null },
      y: { axis: null },
      r: { range: [3, 18] },
      color: colour === 'class' ? { type: 'ordinal', domain: classes } : { scheme: 'turbo' },
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
  const f = figure('Persistence: diagram and barcode', 'persistence');
  root.append(f.box);
  const ds = data.diagrams;
  if (!ds.length) return void f.body.append(empty('No persistence diagrams in this store.'));
  const labels = ds.map(
    (d, i) =>
      `${i}: ${d.network >= 0 ? data.networks[d.network].name : '–'} / ${d.layer} / H${d.dimension} / ${d.group} #${d.repeat}`,
  );
  const panel = (i: number) => {
    const d = ds[i];
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
      el('div', labels[i].replace(/^\d+: /, ''), 'details'),
      plot({
        width: 360,
        height: 340,
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
            title: (p: { b: number; d: number }) => `(${fmt(p.b)}, ${fmt(p.d)})`,
          }),
        ],
      }),
      plot({
        width: 360,
        height: Math.min(340, 60 + 4 * bars.length),
        x: { label: 'filtration', domain: [0, top] },
        y: { axis: null },
        marks: [Plot.ruleY(bars, { y: 'rank', x1: 'b', x2: 'd', stroke: '#4e79a7' })],
      }),
    );
    return wrap;
  };
  let left = 0;
  let right = Math.min(1, ds.length - 1);
  const draw = () => {
    const side = el('div', undefined, 'side-by-side');
    side.append(panel(left), panel(right));
    f.body.replaceChildren(side);
  };
  const a = select(
    'left',
    labels,
    (v) => ((left = Number(v.split(':')[0])), draw()),
    'diagram-left',
  );
  const b = select(
    'right',
    labels,
    (v) => ((right = Number(v.split(':')[0])), draw()),
    'diagram-right',
  );
  b.select.value = labels[right];
  f.controls.append(a.wrap, b.wrap);
  draw();
}

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
  const rec = data.studyResults.find((s) => s.study === 'ricci-flow')?.result as
    RicciResult | undefined;
  const rho = allMeasures().filter((m) => m.descriptor === 'ricci-rho' && m.value !== null);
  const f = figure('Ricci flow: rho per k and accuracy', 'ricci-flow');
  root.append(f.box);
  if (!rec && !rho.length) return void f.body.append(empty('No Ricci-flow results in this store.'));
  if (rho.length) {
    const scatter = plot({
      width: 400,
      height: 320,
      x: { label: 'test accuracy' },
      y: { label: 'rho', grid: true },
      color: { type: 'ordinal', legend: false },
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
        }),
      ],
    });
    f.body.append(
      plot({
        width: 360,
        height: 320,
        x: { label: 'k', type: 'band' },
        y: { label: 'rho (flow coefficient)', grid: true },
        marks: [Plot.boxY(rho, { x: (m: Measure) => String(m.k), y: 'value' })],
      }),
      scatter,
      legend(scatter, unique(rho.map((m) => `k=${m.k}`))),
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
        x: { label: 'Ric(l-1)' },
        y: { label: 'g(l) − g(l-1)', grid: true },
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
        y: { label: 'Ric_l (sum of edge curvatures)', grid: true },
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

function otherMeasuresView(root: HTMLElement, studies: string[]) {
  for (const study of studies) {
    const rows = allMeasures().filter((m) => m.study === study && m.value !== null);
    const f = figure(`${study}: measures`, study);
    root.append(f.box);
    const descriptors = unique(rows.map((m) => m.descriptor));
    let d = descriptors[0];
    const draw = () => {
      const sel = rows.filter((m) => m.descriptor === d);
      const withAcc = sel.some((m) => m.accuracy !== null) && study === 'generalization';
      const pairs = sel.filter((m) => m.accuracy !== null);
      const note = withAcc
        ? el(
            'p',
            `Pearson r = ${fmt(
              pearson(
                pairs.map((m) => m.accuracy as number),
                pairs.map((m) => m.value as number),
              ),
            )}, n = ${pairs.length} networks (the line: least squares with its 95 % band)`,
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
                Plot.linearRegressionY(sel, { x: 'accuracy', y: 'value' }),
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

// ---- shell ----------------------------------------------------------------------------------

const views: { id: string; title: string; draw: (root: HTMLElement) => void }[] = [
  { id: 'summary', title: 'Summary', draw: summaryView },
  { id: 'layer-profile', title: 'Layer profile', draw: layerProfileView },
  { id: 'persistence', title: 'Persistence', draw: persistenceView },
  { id: 'layer-comparison', title: 'Layer comparison', draw: heatmapView },
  { id: 'mapper', title: 'Mapper', draw: mapperView },
  { id: 'ricci-flow', title: 'Ricci flow', draw: ricciView },
];
const covered = new Set(['layer-profile', 'layer-comparison', 'mapper', 'ricci-flow']);
const others = data.measures.studies.filter((s) => !covered.has(s));
if (others.length)
  views.push({ id: 'other', title: 'Other studies', draw: (r) => otherMeasuresView(r, others) });

/** Served by `topolens serve`: polls the running runs and shows their progress in the header. */
function watchProgress(header: HTMLElement) {
  const line = el('div', '', 'progress');
  line.dataset.role = 'progress';
  header.append(line);
  const poll = async () => {
    try {
      const r = await fetch('api/progress', { cache: 'no-store' });
      const p = (await r.json()) as { running: { id: string; started_at: string; jobs: number }[] };
      line.textContent = p.running.length
        ? p.running
            .map((x) => `run ${x.id} running since ${x.started_at}: ${x.jobs} jobs done`)
            .join(' · ')
        : 'no run in progress';
    } catch {
      line.textContent = 'progress unavailable';
    }
  };
  void poll();
  setInterval(() => void poll(), 2000);
}

function start() {
  const app = document.getElementById('app') as HTMLElement;
  const header = el('header');
  header.append(el('h1', `topolens report — ${data.experiment.name}`));
  const nav = el('nav');
  nav.setAttribute('role', 'tablist');
  const main = el('main');
  const show = (id: string) => {
    const v = views.find((x) => x.id === id) ?? views[0];
    nav
      .querySelectorAll('button')
      .forEach((b) => b.setAttribute('aria-selected', String(b.dataset.view === v.id)));
    main.replaceChildren();
    main.dataset.view = v.id;
    v.draw(main);
    document.body.dataset.rendered = v.id;
  };
  for (const v of views) {
    const b = el('button', v.title);
    b.dataset.view = v.id;
    b.setAttribute('role', 'tab');
    b.addEventListener('click', () => show(v.id));
    nav.append(b);
  }
  app.replaceChildren(header, nav, main);
  if (location.protocol === 'http:' || location.protocol === 'https:') watchProgress(header);
  show(location.hash.slice(1) || 'summary');
}

start();
