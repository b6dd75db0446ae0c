import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openStore, type ResultStore } from '../../src/run/store.js';
import { buildReportData } from '../../src/report/reportData.js';
import { cspHash, escapeHtml, renderReportPage, scriptSafeJson } from '../../src/report/html.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';

describe('scriptSafeJson', () => {
  it('round-trips any JSON value and leaves no character that could end the script element', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (v, s) => {
        const value = { v, s: `${s}</script><!--\u2028\u2029&` };
        const text = scriptSafeJson(value);
        expect(text).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('renderReportPage', () => {
  const page = renderReportPage({
    title: 'a <b>"title"</b>',
    script: 'console.log(1)',
    style: 'body{color:red}',
    data: { name: '</script><script>alert(1)</script>' },
  });
  it('allows exactly the inlined script and style by their SHA-256', () => {
    const hash = (t: string) => createHash('sha256').update(t).digest('base64');
    expect(cspHash('console.log(1)')).toBe(`'sha256-${hash('console.log(1)')}'`);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/
      .exec(page)![1]
      .replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${hash('console.log(1)')}'`);
    expect(csp).toContain(`style-src 'sha256-${hash('body{color:red}')}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('connect-src');
  });
  it('escapes the title and embeds the data without a closing tag', () => {
    expect(page).toContain('<title>a &#60;b&#62;&#34;title&#34;&#60;/b&#62;</title>');
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(escapeHtml(`<&>"'`)).toBe('&#60;&#38;&#62;&#34;&#39;');
  });
  it('refuses a script that would end its own element', () => {
    expect(() =>
      renderReportPage({ title: 't', script: 'x="</SCRIPT>"', style: '', data: {} }),
    ).toThrow(/contains '<\/script'/);
  });
});

describe('buildReportData', () => {
  let dir: string;
  let store: ResultStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topolens-report-'));
    store = await openStore(join(dir, 'r.duckdb'));
    await fillSyntheticStore(store, { networks: 3, layers: 4, ks: [30, 120] });
    await store.putExperiment({
      id: 'other',
      name: 'older',
      spec: {},
      createdAt: '2020-01-01T00:00:00.000Z',
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the newest experiment with every table the views use', async () => {
    const d = await buildReportData(store);
    expect(d.experiment.name).toBe('synthetic sweep');
    expect(d.experiments.map((e) => e.name)).toEqual(['synthetic sweep', 'older']);
    expect(d.networks).toHaveLength(3);
    expect(d.layers).toHaveLength(12);
    expect(d.runs[0].status).toBe('done');
    expect(d.jobs).toEqual([{ kind: 'study:layer-profile', count: 1, failed: 0, seconds: 12.5 }]);
    // 3 networks x 4 layers x 3 descriptors x (1 mean + 2 repeats + 3 classes), 2 k x 3 rho, 3 gen.
    expect(d.measures.value).toHaveLength(3 * 4 * 3 * 6 + 6 + 3);
    expect(new Set(d.measures.studies)).toEqual(
      new Set(['layer-profile', 'ricci-flow', 'generalization']),
    );
    const m = d.measures;
    const i = m.value.findIndex(
      (_, j) =>
        m.descriptors[m.descriptor[j]] === 'twonn' &&
        m.repeat[j] === -1 &&
        m.groups[m.group[j]] === 'all',
    );
    expect(m.layers[m.layer[i]]).toMatch(/^dense_/);
    expect(d.networks[m.network[i]].name).toMatch(/^mlp-/);
    expect(d.matrices.map((x) => x.measure)).toEqual(['bottleneck', 'linear-cka']);
    expect(d.matrices[1].values).toHaveLength(16);
    expect(d.diagrams.length).toBe(2 * 4 * 2);
    expect(d.diagrams.find((x) => x.dimension === 0)!.deaths[0]).toBeNull();
    expect(d.mapperGraphs).toHaveLength(1);
    expect(d.studyResults.map((r) => r.study)).toEqual([
      'adversarial',
      'population-comparison',
      'ricci-flow',
    ]);
    // JSON-able as a whole
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('picks an experiment by name or id and names the choices for an unknown one', async () => {
    expect((await buildReportData(store, { experiment: 'older' })).experiment.id).toBe('other');
    expect((await buildReportData(store, { experiment: 'other' })).networks).toHaveLength(0);
    await expect(buildReportData(store, { experiment: 'nope' })).rejects.toThrow(
      /no experiment 'nope'.*synthetic sweep \(exp-synthetic\)/s,
    );
  });

  it('names the empty store', async () => {
    const empty = await openStore(':memory:');
    await expect(buildReportData(empty)).rejects.toThrow(/holds no experiment/);
    await empty.close();
  });
});
