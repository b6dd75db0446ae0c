/**
 * A figure of the report as standalone SVG text, made in the page (the viewer's export buttons
 * and `topolens figure` both call it): every chart of the figure's section laid out as the page
 * shows them, and each HTML legend row drawn below them as SVG. Self-contained (no imports, no
 * outer variables) so that playwright can send it into the page as it is.
 */
/** The few DOM members the page-side functions below use (no DOM types on the Node side). */
export interface Queryable {
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
export function figureSvg(node: unknown): string {
  type El = Queryable & {
    cloneNode(deep: boolean): El;
    closest(selector: string): El | null;
    parentElement: El | null;
    appendChild(n: El): void;
    insertBefore(n: El, before: El | null): void;
    firstChild: El | null;
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
  // a white ground (a rect: a style attribute would break the report page's CSP)
  out.insertBefore(make('rect', { width, height: bottom, fill: 'white' }), out.firstChild);
  const style = make('style', {});
  style.textContent = 'text,tspan{white-space:pre}';
  out.insertBefore(style, out.firstChild);
  const g = globalThis as unknown as {
    XMLSerializer: new () => { serializeToString(n: unknown): string };
  };
  return new g.XMLSerializer().serializeToString(out);
}
