import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { openStore } from '../../src/run/store.js';
import { buildReportData, type ReportData } from '../../src/report/reportData.js';
import { writeFigure } from '../../src/report/figure.js';
import { studyKindsOf, summarizeReport } from '../../src/report/reportSummary.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';
import { requireTool } from '../helpers/oracles.js';

let dir: string;
let data: ReportData;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-figure-test-'));
  const store = await openStore(':memory:');
  await fillSyntheticStore(store, { networks: 3, layers: 4 });
  data = await buildReportData(store);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFigure', () => {
  it('writes a view chart as standalone SVG and as PNG', async (ctx) => {
    requireTool(ctx, 'chromium');
    const svgPath = await writeFigure(data, join(dir, 'profile.svg'), { view: 'layer-profile' });
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('h0-lifespan-sum');
    const pngPath = await writeFigure(data, join(dir, 'scatter.png'), {
      view: 'ricci-flow',
      figure: 'ricci-scatter',
    });
    const png = PNG.sync.read(readFileSync(pngPath));
    expect(png.width).toBeGreaterThan(300);
    expect(png.height).toBeGreaterThan(200);
    const pop = readFileSync(
      await writeFigure(data, join(dir, 'pop.svg'), { view: 'population-comparison' }),
      'utf8',
    );
    expect(pop).toContain('classes 1, dense_0');
  });

  it('refuses an unknown view, a wrong extension and a missing figure', async (ctx) => {
    await expect(writeFigure(data, join(dir, 'a.svg'), { view: 'nope' })).rejects.toThrow(
      /unknown view 'nope'.*layer-profile/s,
    );
    await expect(writeFigure(data, join(dir, 'a.jpg'), { view: 'mapper' })).rejects.toThrow(
      /must end in .svg or .png/,
    );
    requireTool(ctx, 'chromium');
    await expect(
      writeFigure(data, join(dir, 'a.svg'), { view: 'mapper', figure: 'nope' }),
    ).rejects.toThrow(/has no figure 'nope'/);
  });

  it('refuses at once a view the store has no study for (it waited 30 s, then failed inside)', async (ctx) => {
    requireTool(ctx, 'chromium');
    // the synthetic store without its adversarial record: the viewer offers no such view
    const without = {
      ...data,
      studyResults: data.studyResults.filter((s) => s.study !== 'adversarial'),
      claims: data.claims.filter((c) => c.study !== 'adversarial'),
      // a second experiment in the store: the message points to it (the newest is the default)
      experiments: [...data.experiments, { id: 'e2', name: 'attacks' }],
    };
    expect(summarizeReport(without).studies).not.toContain('adversarial');
    await expect(
      writeFigure(without, join(dir, 'adv.svg'), { view: 'adversarial' }),
    ).rejects.toThrow(
      new RegExp(
        `no view 'adversarial' for the experiment '${data.experiment.name}' \\(its report offers summary, layer-profile,.*population-comparison.*another experiment of the store with --experiment \\(attacks\\)`,
        's',
      ),
    );
  });

  it('draws a named layer-profile study in the layer-profile view, its legend in the file (it fell to "Other studies" as one dot per class, no key)', async (ctx) => {
    requireTool(ctx, 'chromium');
    // an experiment that profiles twice under its own names, as examples/repro-magai-profile.yaml
    const studies = [...data.measures.studies];
    const at = studies.indexOf('layer-profile');
    expect(at).toBeGreaterThanOrEqual(0);
    studies[at] = 'profile-scaled';
    const named = {
      ...data,
      experiment: {
        ...data.experiment,
        spec: JSON.stringify({ studies: [{ study: 'layer-profile', name: 'profile-scaled' }] }),
      },
      measures: { ...data.measures, studies },
    };
    expect(summarizeReport(named).studyKinds).toEqual({ 'profile-scaled': 'layer-profile' });
    await expect(
      writeFigure(named, join(dir, 'x.svg'), { view: 'layer-profile', figure: 'nope' }),
    ).rejects.toThrow(/has no figure 'nope'[^]*its figures: profile-scaled/);
    const svg = readFileSync(
      await writeFigure(named, join(dir, 'named.svg'), {
        view: 'layer-profile',
        figure: 'profile-scaled',
      }),
      'utf8',
    );
    expect(svg).toContain('depth (l+1)/L');
    // the legend: one swatch and name per network line, and the median's dashed key
    const names = data.networks.map((n) => n.name);
    for (const name of names) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain('>median of the lines</text>');
    expect(svg.match(/<rect [^>]*width="12"/g)?.length).toBe(names.length);
    const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
    expect(Number(viewBox?.[2])).toBeGreaterThan(380); // grown below the 380-high plot
  });
});

describe('the controls of a figure', () => {
  it('exports the matrix a control picks (the layer-comparison figure could only show the first, the export had no way to choose)', async (ctx) => {
    requireTool(ctx, 'chromium');
    const heatmap = async (controls?: Record<string, string>) =>
      readFileSync(
        await writeFigure(data, join(dir, 'heat.svg'), {
          view: 'layer-comparison',
          figure: 'layer-comparison',
          controls,
        }),
        'utf8',
      );
    // the store's two matrices, in order: bottleneck (distance), linear-cka (similarity)
    expect(data.matrices.map((m) => m.measure)).toEqual(['bottleneck', 'linear-cka']);
    const first = await heatmap();
    expect(first).toContain('bottleneck (distance)');
    expect(first).not.toContain('linear-cka');
    for (const value of ['linear-cka', 'CKA', '1']) {
      const svg = await heatmap({ matrix: value });
      expect(svg, `--set matrix=${value}`).toContain('linear-cka (similarity)');
      expect(svg).not.toContain('bottleneck (distance)');
    }
    await expect(heatmap({ colour: 'x' })).rejects.toThrow(
      /has no control 'colour'.*its controls: matrix/s,
    );
    await expect(heatmap({ matrix: 'layer-comparison' })).rejects.toThrow(
      /several options matching 'layer-comparison'.*0: layer-comparison \/ bottleneck/s,
    );
    await expect(heatmap({ matrix: 'wasserstein' })).rejects.toThrow(/no option matching/);
  });
});

describe('the sensitivity figure', () => {
  it('draws one panel per measure on its own scale, its lines in k order (an SW of hundreds flattened CKA on a shared axis, and lines zigzagged in store order)', async (ctx) => {
    requireTool(ctx, 'chromium');
    // sensitivity curves of two layers of network 0, stored with k out of order
    const ks = [8, 0, 16, 4];
    const rows: ExtraRow[] = [];
    for (const [descriptor, scale] of [
      ['sensitivity-cka', 1],
      ['sensitivity-sw-h1', 300],
    ] as const)
      for (const l of [0, 1])
        for (const k of ks)
          rows.push({
            descriptor,
            group: 'all',
            depth: null,
            layer: ['conv_a', 'conv_b'][l],
            network: 0,
            layerIndex: l,
            k,
            // CKA falls from 1, SW rises from 0
            value: scale === 1 ? 1 / (1 + k * (l + 1)) : scale * (1 - 1 / (1 + k)),
          });
    const svg = readFileSync(
      await writeFigure(withMeasureRows(data, 'layer-comparison', rows), join(dir, 'sens.svg'), {
        view: 'layer-comparison',
        figure: 'sensitivity',
      }),
      'utf8',
    );
    // the figure: an outer svg holding one chart per measure, and the layers' legend
    expect(svg.match(/<svg/g)?.length).toBe(3);
    expect(svg).toContain('>conv_a</text>');
    expect(svg).toContain('>conv_b</text>');
    // each panel its own y axis: CKA's ticks stop at 1, SW's reach 300
    const panels = svg.split('<svg').slice(2);
    expect(panels[0]).toContain('>1.0</text>');
    expect(panels[0]).not.toContain('>300</text>');
    expect(panels[1]).toContain('>300</text>');
    // a line per layer, drawn in k order: its x coordinates increase
    const paths = [...panels[0].matchAll(/<path[^>]* d="M([^"]+)"/g)].map((p) => p[1]);
    const lines = paths.filter((d) => d.split('L').length === ks.length);
    expect(lines.length).toBe(2);
    for (const d of lines) {
      const xs = d.split('L').map((pt) => Number(pt.split(',')[0]));
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
    }
  });
});

/** One extra measure row for `withMeasureRows`: no layer or network unless given. */
interface ExtraRow {
  descriptor: string;
  group: string;
  depth: number | null;
  value: number;
  layer?: string;
  network?: number;
  layerIndex?: number;
  k?: number;
}

/** `data` with extra measure rows of one study (the dictionaries grown as needed). */
function withMeasureRows(base: ReportData, study: string, rows: ExtraRow[]): ReportData {
  const m = base.measures;
  const dict = (list: string[], v: string) => {
    const at = list.indexOf(v);
    return at >= 0 ? at : list.push(v) - 1;
  };
  const out = {
    ...m,
    studies: [...m.studies],
    descriptors: [...m.descriptors],
    groups: [...m.groups],
    layers: [...m.layers],
    study: [...m.study],
    descriptor: [...m.descriptor],
    group: [...m.group],
    layer: [...m.layer],
    network: [...m.network],
    layerIndex: [...m.layerIndex],
    depth: [...m.depth],
    repeat: [...m.repeat],
    k: [...m.k],
    value: [...m.value],
  };
  for (const r of rows) {
    out.study.push(dict(out.studies, study));
    out.descriptor.push(dict(out.descriptors, r.descriptor));
    out.group.push(dict(out.groups, r.group));
    out.layer.push(r.layer === undefined ? -1 : dict(out.layers, r.layer));
    out.network.push(r.network ?? -1);
    out.layerIndex.push(r.layerIndex ?? null);
    out.depth.push(r.depth);
    out.repeat.push(-1);
    out.k.push(r.k ?? null);
    out.value.push(r.value);
  }
  return { ...base, measures: out };
}

describe('the architecture-comparison figure', () => {
  it('draws each descriptor over depth, a line per architecture and its peak marked (it was one strip of dots per architecture, depth lost)', async (ctx) => {
    requireTool(ctx, 'chromium');
    const rows: ExtraRow[] = [];
    for (const [group, peak] of [
      ['cnn', 0.6],
      ['vit', 0.4],
    ] as const) {
      for (let i = 1; i <= 10; i++) {
        const depth = i / 10;
        rows.push({ descriptor: 'phdim', group, depth, value: 8 - 20 * (depth - peak) ** 2 });
        rows.push({ descriptor: 'h0-lifespan-sum', group, depth, value: 100 * depth });
      }
      rows.push({ descriptor: 'phdim-peak-depth', group, depth: null, value: peak });
    }
    const svg = readFileSync(
      await writeFigure(
        withMeasureRows(data, 'architecture-comparison', rows),
        join(dir, 'arch.svg'),
        { view: 'other', figure: 'architecture-comparison' },
      ),
      'utf8',
    );
    // one panel per profiled descriptor (the peak depth is drawn as rules, not a panel)
    expect(svg.match(/<svg/g)?.length).toBe(3);
    expect(svg).toContain('depth (l+1)/L');
    expect(svg).toContain('>cnn</text>');
    expect(svg).toContain('>vit</text>');
    const panels = svg.split('<svg').slice(2);
    const phdim = panels.find((p) => p.includes('phdim')) ?? '';
    // two lines of ten points, and a dashed rule per architecture at its peak
    expect([...phdim.matchAll(/stroke-dasharray="4,3"/g)].length).toBeGreaterThanOrEqual(1);
    expect(phdim.match(/<line/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });
});

describe('studyKindsOf', () => {
  it('maps each study name to its type, from the spec object or its JSON text', () => {
    const spec = {
      studies: [
        { study: 'layer-profile', name: 'profile-raw' },
        { study: 'layer-profile' },
        { study: 'ricci-flow', name: 'flow' },
        { name: 'no type' },
      ],
    };
    const want = {
      'profile-raw': 'layer-profile',
      'layer-profile': 'layer-profile',
      flow: 'ricci-flow',
    };
    expect(studyKindsOf(spec)).toEqual(want);
    expect(studyKindsOf(JSON.stringify(spec))).toEqual(want);
    expect(studyKindsOf(null)).toEqual({});
    expect(studyKindsOf('not json')).toEqual({});
    expect(studyKindsOf({ networks: 3 })).toEqual({});
  });
});
