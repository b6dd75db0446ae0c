import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main.js';
import { readMatrixFile } from '../../src/cli/commands/mapper.js';
import type { MapperGraph } from '../../src/mapper/index.js';
import { circle } from './shapes.js';

function npy(descr: string, shape: number[], body: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(
    Array.from(header, (c) => c.charCodeAt(0)),
    10,
  );
  out.set(body, 10 + header.length);
  return out;
}

async function run(args: string[]): Promise<string> {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'topolens', 'mapper', ...args]);
  } finally {
    spy.mockRestore();
  }
  return text;
}

describe('files the mapper command reads (through the shared loader)', () => {
  it('reads .npy float32 and int64 labels, 1-D and 2-D, and CSV with a header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-mapper-read-'));
    try {
      const f4 = join(dir, 'a.npy');
      writeFileSync(
        f4,
        npy('<f4', [2, 2], new Uint8Array(new Float32Array([1, 2, 3, 4.5]).buffer)),
      );
      expect(readMatrixFile(f4)).toMatchObject({ rows: 2, cols: 2 });
      expect(Array.from(readMatrixFile(f4).data)).toEqual([1, 2, 3, 4.5]);
      const i8 = join(dir, 'labels.npy');
      writeFileSync(i8, npy('<i8', [2], new Uint8Array(new BigInt64Array([7n, -2n]).buffer)));
      expect(readMatrixFile(i8)).toMatchObject({ rows: 2, cols: 1 });
      expect(Array.from(readMatrixFile(i8).data)).toEqual([7, -2]);
      const csv = join(dir, 't.csv');
      writeFileSync(csv, 'x,y\n1,2\n3,4\n');
      expect(Array.from(readMatrixFile(csv).data)).toEqual([1, 2, 3, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('topolens mapper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-mapper-'));
  const cloud = circle(300, 3);
  const cloudPath = join(dir, 'circle.npy');
  writeFileSync(cloudPath, npy('<f8', [300, 2], new Uint8Array(cloud.data.buffer)));
  const labels = Array.from({ length: 300 }, (_, i) => (cloud.data[2 * i + 1] > 0 ? 1 : 0));
  writeFileSync(join(dir, 'labels.txt'), labels.join('\n') + '\n');

  it('writes the graph, GraphML and DOT and prints the summary', async () => {
    const out = join(dir, 'g.json');
    const text = await run([
      cloudPath,
      '--labels',
      join(dir, 'labels.txt'),
      '--lens',
      'coordinate:0',
      '--intervals',
      '8',
      '--overlap',
      '0.3',
      '--eps',
      '0.1',
      '--out',
      out,
      '--graphml',
      join(dir, 'g.graphml'),
      '--dot',
      join(dir, 'g.dot'),
    ]);
    const g = JSON.parse(readFileSync(out, 'utf8')) as MapperGraph;
    expect(g.format).toBe('topolens-mapper');
    expect(g.edges.length).toBe(g.nodes.length); // a cycle
    expect(text).toContain(`nodes ${g.nodes.length}, edges ${g.edges.length}, components 1`);
    expect(text).toMatch(/purity 0\.\d{4}/);
    expect(text).toContain('noise dropped');
    expect(existsSync(join(dir, 'g.graphml'))).toBe(true);
    expect(readFileSync(join(dir, 'g.dot'), 'utf8')).toMatch(/^graph mapper \{/);
  });

  it('--json prints the summary as JSON; two runs give the same file', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const summary = JSON.parse(await run([cloudPath, '--out', a, '--json'])) as {
      nodes: number;
      eps: { eps: number; method: string };
      epsChoice: string;
    };
    await run([cloudPath, '--out', b, '--json']);
    expect(summary.nodes).toBeGreaterThan(0);
    expect(summary.eps.method).toBe('quantile');
    expect(summary.epsChoice).toMatch(/^4 x the 0\.75-quantile/);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('says how eps was chosen: the quantile rule by default, the knee on request, or given', async () => {
    const out = join(dir, 'e.json');
    const lens = ['--lens', 'coordinate:0', '--intervals', '8', '--overlap', '0.3', '--out', out];
    const byDefault = await run([cloudPath, ...lens]);
    const g = JSON.parse(readFileSync(out, 'utf8')) as MapperGraph;
    expect(g.summary.epsChoice).toMatch(/^4 x the 0\.75-quantile/);
    expect(byDefault).toContain(
      `eps ${g.summary.eps!.toPrecision(6)}, min points 5; eps: 4 x the 0.75-quantile`,
    );
    expect(byDefault).toContain('nodes 14, edges 14, components 1'); // the circle's cycle
    const custom = await run([cloudPath, ...lens, '--eps-quantile', '0.5', '--eps-factor', '3']);
    expect(custom).toContain('eps: 3 x the 0.5-quantile');
    const knee = await run([cloudPath, ...lens, '--eps-rule', 'knee']);
    expect(knee).toMatch(/eps: (knee|median) of the sorted 4-distance curve/);
    const given = await run([cloudPath, ...lens, '--eps', '0.2']);
    expect(given).toContain('eps 0.200000, min points 5; eps: given');
    await expect(run([cloudPath, ...lens, '--eps-rule', 'gap'])).rejects.toThrow(
      /unknown eps rule 'gap'/,
    );
  });

  it('takes lens values from a file, a balanced cover, single linkage and a PCA lens', async () => {
    const xs = Array.from({ length: 300 }, (_, i) => cloud.data[2 * i]);
    writeFileSync(join(dir, 'lens.txt'), xs.join('\n') + '\n');
    const a = join(dir, 'values.json');
    await run([
      cloudPath,
      '--lens',
      `values:${join(dir, 'lens.txt')}`,
      '--cover',
      'balanced',
      '--clusterer',
      'single-linkage',
      '--intervals',
      '6',
      '--out',
      a,
      '--json',
    ]);
    const g = JSON.parse(readFileSync(a, 'utf8')) as MapperGraph;
    expect(g.cover.kind).toBe('balanced');
    expect(g.clusterer.name).toBe('single-linkage');
    // balanced: every inner interval holds about the same number of points (the two end
    // intervals reach past the first and last rank, as in the uniform cover)
    const sizes = g.cover.axes[0]
      .slice(1, -1)
      .map(([lo, hi]) => xs.filter((x) => x >= lo && x <= hi).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2);
    const b = join(dir, 'pca.json');
    await run([cloudPath, '--lens', 'pca1', '--eps', '0.1', '--out', b, '--json']);
    expect((JSON.parse(readFileSync(b, 'utf8')) as MapperGraph).lens.name).toBe('pca1');
  });

  it('rejects labels of the wrong length and unknown lenses with clear errors', async () => {
    writeFileSync(join(dir, 'short.txt'), '0\n1\n');
    await expect(
      run([cloudPath, '--labels', join(dir, 'short.txt'), '--out', join(dir, 'x.json')]),
    ).rejects.toThrow(/has 2 labels for the 300 points/);
    await expect(run([cloudPath, '--lens', 'umap', '--out', join(dir, 'x.json')])).rejects.toThrow(
      /unknown lens 'umap'/,
    );
    await expect(run([cloudPath, '--overlap', '1', '--out', join(dir, 'x.json')])).rejects.toThrow(
      /overlap must lie in \[0, 1\)/,
    );
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
