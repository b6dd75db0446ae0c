/**
 * `topolens ricci layer0.npy layer1.npy ... [--k 30] [--graph ...] [--curvature forman]
 *   [--fisher multiply|divide] [--json]`
 * The per-layer table Ric_l, g_l, eta_l and the Ricci coefficient rho ([B24]). Layer 0 is the
 * input; leave the output layer out.
 */
import { ricciFlow, type CurvatureMethod, type FisherForm } from '../../geometry/ricciFlow.js';
import type { KnnGraphKind } from '../../geometry/knnGraph.js';
import { printJSON } from '../output.js';
import { integerOption } from '../numbers.js';
import { checkOllivierCost, K_BOUNDS } from './graphBounds.js';
import { progressBar } from '../progress.js';
import { loadPointCloud } from '../../data/load.js';

/** The `ricci` command's options as commander parses them. */
export interface RicciFlags {
  k: number;
  graph: string;
  curvature: string;
  fisher: string;
  geodesic: string;
  json?: boolean;
}

/** The `ricci command's action; its options: ../specs/ricci.ts. */
export function ricciCommand(paths: string[], opts: RicciFlags): void {
  const k = integerOption(opts.k, '--k', K_BOUNDS);
  const layers = paths.map((p) => loadPointCloud(p));
  if (opts.curvature === 'ollivier') checkOllivierCost(layers[0].rows, k, layers.length);
  const bar = progressBar({ label: 'ricci', enabled: !opts.json });
  const r = ricciFlow(layers, {
    k,
    graph: opts.graph as KnnGraphKind,
    curvature: opts.curvature as CurvatureMethod,
    fisher: opts.fisher as FisherForm,
    geodesic: opts.geodesic as 'hop' | 'euclidean',
    onProgress: (d, t) => bar.update(d / t, `layer ${d}/${t}`),
  });
  bar.done();
  if (opts.json) {
    printJSON({ files: paths, k: opts.k, graph: opts.graph, curvature: opts.curvature, ...r });
    return;
  }
  const rows = r.layers.map((s, l) => [
    String(l),
    String(s.edges),
    String(s.components),
    String(s.curvature),
    String(s.geodesicMass),
    l < r.eta.length ? String(r.eta[l]) : '-',
  ]);
  const head = ['layer', 'edges', 'components', 'Ric_l', 'g_l', 'eta_l'];
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const fmt = (row: string[]) => row.map((v, c) => v.padStart(w[c])).join('  ');
  const lines = [
    `${opts.curvature} curvature, ${opts.graph} kNN graphs, k = ${opts.k}, ${layers[0].rows} points`,
    fmt(head),
    ...rows.map(fmt),
    `rho = Pearson(Ric_l, eta_l), l = 0..${r.L - 1}: ${r.rho.toFixed(4)}`,
    `Fisher z (${r.fisher} by sqrt(L - 4), L = ${r.L}): ${r.fisherZ.toFixed(4)}`,
  ];
  if (!r.connected)
    lines.push('a layer graph is disconnected: g = Infinity and rho is undefined (try a larger k)');
  process.stdout.write(lines.join('\n') + '\n');
}
