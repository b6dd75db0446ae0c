/**
 * Exports of a Mapper graph: GraphML (XML, readable by Gephi, Cytoscape, igraph, networkx)
 * and DOT (Graphviz). Pure string functions; node attributes: size, meanLens (first lens
 * dimension), purity (when labels were given), component, x, y; edge attribute: weight.
 */
import type { MapperGraph } from './graph.js';

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : 'NaN';
}

export function toGraphML(graph: MapperGraph): string {
  const hasPurity = graph.nodes.some((n) => n.purity !== undefined);
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="size" for="node" attr.name="size" attr.type="int"/>',
    '  <key id="meanLens" for="node" attr.name="meanLens" attr.type="double"/>',
    '  <key id="component" for="node" attr.name="component" attr.type="int"/>',
    '  <key id="element" for="node" attr.name="element" attr.type="int"/>',
    '  <key id="x" for="node" attr.name="x" attr.type="double"/>',
    '  <key id="y" for="node" attr.name="y" attr.type="double"/>',
  ];
  if (hasPurity) {
    lines.push('  <key id="purity" for="node" attr.name="purity" attr.type="double"/>');
  }
  lines.push('  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>');
  lines.push(`  <graph id="${xmlEscape(`mapper-${graph.lens.name}`)}" edgedefault="undirected">`);
  for (const n of graph.nodes) {
    lines.push(`    <node id="n${n.id}">`);
    lines.push(`      <data key="size">${n.size}</data>`);
    lines.push(`      <data key="meanLens">${num(n.meanLens[0])}</data>`);
    lines.push(`      <data key="component">${n.component}</data>`);
    lines.push(`      <data key="element">${n.element}</data>`);
    lines.push(`      <data key="x">${num(n.x)}</data>`);
    lines.push(`      <data key="y">${num(n.y)}</data>`);
    if (hasPurity && n.purity !== undefined) {
      lines.push(`      <data key="purity">${num(n.purity)}</data>`);
    }
    lines.push('    </node>');
  }
  graph.edges.forEach((e, i) => {
    lines.push(`    <edge id="e${i}" source="n${e.source}" target="n${e.target}">`);
    lines.push(`      <data key="weight">${e.weight}</data>`);
    lines.push('    </edge>');
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

export function toDOT(graph: MapperGraph): string {
  const lines: string[] = ['graph mapper {', '  node [shape=circle];'];
  for (const n of graph.nodes) {
    const attrs = [
      `label="${n.id}"`,
      `size=${n.size}`,
      `meanLens=${num(n.meanLens[0])}`,
      `component=${n.component}`,
      `pos="${num(n.x)},${num(n.y)}"`,
    ];
    if (n.purity !== undefined) attrs.push(`purity=${num(n.purity)}`);
    lines.push(`  n${n.id} [${attrs.join(', ')}];`);
  }
  for (const e of graph.edges) {
    lines.push(`  n${e.source} -- n${e.target} [weight=${e.weight}];`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
