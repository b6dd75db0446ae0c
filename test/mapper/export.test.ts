import { describe, expect, it } from 'vitest';
import { mapper, toDOT, toGraphML } from '../../src/mapper/index.js';
import { requireTool, runPython } from '../helpers/oracles.js';
import { blobsWithNoise } from './helpers.js';

/** Minimal XML well-formedness check: balanced tags, one root, quoted attributes. */
function checkXml(xml: string): { elements: Record<string, number> } {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const tag =
    /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="(?:[^"<&]|&(?:amp|lt|gt|quot|apos);)*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  const elements: Record<string, number> = {};
  let last = 0;
  let roots = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    if (/[<>]|&(?!(?:amp|lt|gt|quot|apos);)/.test(between))
      throw new Error(`stray markup before ${m[0]}`);
    last = m.index + m[0].length;
    const [, close, name, , selfClose] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    elements[name] = (elements[name] ?? 0) + 1;
    if (!selfClose) stack.push(name);
  }
  if (stack.length || roots !== 1 || body.slice(last).trim()) throw new Error('not well formed');
  return { elements };
}

describe('exports', () => {
  const cloud = blobsWithNoise(300, 4, 8);
  const labels = Array.from({ length: 300 }, (_, i) => i % 2);
  const g = mapper(cloud, { labels });

  it('GraphML is well-formed with one node and edge element per node and edge', () => {
    const { elements } = checkXml(toGraphML(g));
    expect(g.edges.length).toBeGreaterThan(0);
    expect(elements.node).toBe(g.nodes.length);
    expect(elements.edge).toBe(g.edges.length);
  });

  it('GraphML parses with Python xml and has the right counts', (ctx) => {
    requireTool(ctx, 'numpy');
    const out = runPython(
      [
        'import sys, xml.etree.ElementTree as ET',
        'ns = {"g": "http://graphml.graphdrawing.org/xmlns"}',
        'r = ET.fromstring(sys.stdin.read())',
        'print(len(r.findall(".//g:node", ns)), len(r.findall(".//g:edge", ns)))',
      ].join('\n'),
      toGraphML(g),
    );
    expect(out.trim()).toBe(`${g.nodes.length} ${g.edges.length}`);
  });

  it('DOT declares every node once and every edge between declared nodes', () => {
    const dot = toDOT(g);
    expect(dot.startsWith('graph mapper {')).toBe(true);
    expect(dot.trim().endsWith('}')).toBe(true);
    const declared = new Set<string>();
    let edges = 0;
    for (const line of dot.split('\n').slice(2, -2)) {
      const node = /^ {2}(n\d+) \[.*\];$/.exec(line);
      const edge = /^ {2}(n\d+) -- (n\d+) \[weight=\d+\];$/.exec(line);
      if (node) {
        expect(declared.has(node[1])).toBe(false);
        declared.add(node[1]);
      } else if (edge) {
        expect(declared.has(edge[1]) && declared.has(edge[2])).toBe(true);
        edges++;
      } else throw new Error(`unexpected DOT line: ${line}`);
    }
    expect(declared.size).toBe(g.nodes.length);
    expect(edges).toBe(g.edges.length);
  });

  it('escapes XML special characters in names', () => {
    const odd = { ...g, lens: { ...g.lens, name: 'a<b&"c"' } };
    expect(() => checkXml(toGraphML(odd))).not.toThrow();
  });
});
