/**
 * `topolens curvature cloud.npy [--k 30] [--method forman|augmented|ollivier]
 *   [--graph undirected|mutual|directed] [--alpha 0.5] [--out edges.csv] [--json]`
 * Per-edge curvature of the kNN graph (to a CSV file with --out), totals and a summary printed.
 */
import { invalidOption } from '../../core/errors.js';
import { knnGraph, type KnnGraphKind } from '../../geometry/knnGraph.js';
import { formanCurvature } from '../../geometry/forman.js';
import { ollivierCurvature, type OllivierOptions } from '../../geometry/ollivier.js';
import { connectedComponents, edgeCount } from '../../geometry/graph.js';
import { printJSON } from '../output.js';
import { integerOption, numberOption } from '../numbers.js';
import { checkOllivierCost, K_BOUNDS } from './graphBounds.js';
import { checkOutputTargets, writeOutputs } from '../outputs.js';
import { progressBar } from '../progress.js';
import { loadPointCloud } from '../../data/load.js';

/** The `curvature` command's options as commander parses them. */
export interface CurvatureFlags {
  k: number;
  method: string;
  graph: string;
  alpha: number;
  transport: string;
  out?: string;
  json?: boolean;
}

function summary(values: Float64Array) {
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length;
  let sum = 0;
  for (const v of values) sum += v;
  const q = (f: number) => (m === 0 ? NaN : sorted[Math.min(m - 1, Math.floor(f * (m - 1) + 0.5))]);
  return {
    min: sorted[0],
    q25: q(0.25),
    median: q(0.5),
    q75: q(0.75),
    max: sorted[m - 1],
    mean: sum / m,
  };
}

/** The `curvature` command's action; its options: ../specs/curvature.ts. */
export function curvatureCommand(path: string, opts: CurvatureFlags): void {
  const method = opts.method as string;
  if (!['forman', 'augmented', 'ollivier'].includes(method)) {
    throw invalidOption(`unknown --method '${method}'.`, 'Use forman, augmented or ollivier.');
  }
  if (opts.out) checkOutputTargets([{ path: opts.out, flag: '--out' }]);
  const k = integerOption(opts.k, '--k', K_BOUNDS);
  const alpha = numberOption(opts.alpha, '--alpha', { min: 0, max: 1 });
  const cloud = loadPointCloud(path);
  if (method === 'ollivier') checkOllivierCost(cloud.rows, k, 1);
  const graph = knnGraph(cloud, { k, kind: opts.graph as KnnGraphKind, name: path });
  const bar = progressBar({ label: 'curvature', enabled: !opts.json });
  const result =
    method === 'ollivier'
      ? ollivierCurvature(graph, {
          alpha,
          // checked by ollivierCurvature
          transport: opts.transport as OllivierOptions['transport'],
          onProgress: (d, t) => bar.update(d / t),
        })
      : formanCurvature(graph, { augmented: method === 'augmented' });
  bar.done();
  if (opts.out) {
    const lines = ['from,to,curvature'];
    for (let e = 0; e < result.values.length; e++) {
      lines.push(`${result.from[e]},${result.to[e]},${result.values[e]}`);
    }
    writeOutputs([{ path: opts.out, content: lines.join('\n') + '\n', flag: '--out' }]);
  }
  const components = connectedComponents(graph).count;
  const out = {
    points: cloud.rows,
    dimension: cloud.cols,
    k: opts.k,
    graph: opts.graph,
    method,
    edges: edgeCount(graph),
    components,
    total: result.total,
    edgeSummary: summary(result.values),
    nodeSummary: summary(result.nodes),
    out: opts.out ?? null,
  };
  if (opts.json) {
    printJSON(out);
    return;
  }
  const f = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
  const s = out.edgeSummary;
  process.stdout.write(
    `${method} curvature, ${opts.graph} kNN graph (k = ${opts.k}) of ${out.points} points in R^${out.dimension}\n` +
      `edges ${out.edges}, components ${components}\n` +
      `total ${f(out.total)}\n` +
      `per edge: min ${f(s.min)}  q25 ${f(s.q25)}  median ${f(s.median)}  q75 ${f(s.q75)}  max ${f(s.max)}  mean ${f(s.mean)}\n` +
      `per node (mean of incident edges): mean ${f(out.nodeSummary.mean)}  median ${f(out.nodeSummary.median)}\n` +
      (opts.out ? `per-edge values written to ${opts.out}\n` : ''),
  );
}
