/**
 * `topolens similarity a.npy b.npy --method cka|cka-rbf|cka-debiased|rsa|procrustes|sw [--json]`
 * One number comparing two representations of the same inputs, and whether it is a similarity
 * or a distance.
 */
import { invalidOption } from '../../core/errors.js';
import { similarityMeasures } from '../../similarity/measures.js';
import { printJSON } from '../output.js';
import { loadPointCloud } from '../../data/load.js';

/** The `similarity` command's options as commander parses them. */
export interface SimilarityFlags {
  method: string;
  json?: boolean;
}

/** The `similarity command's action; its options: ../specs/similarity.ts. */
export function similarityCommand(a: string, b: string, opts: SimilarityFlags): void {
  const m = similarityMeasures[opts.method as string];
  if (!m) {
    throw invalidOption(
      `unknown --method '${opts.method}'.`,
      `Use one of ${Object.keys(similarityMeasures).join(', ')}.`,
    );
  }
  const X = loadPointCloud(a);
  const Y = loadPointCloud(b);
  const r = m.compute(X, Y);
  if (opts.json) {
    printJSON({ a, b, points: X.rows, ...r });
    return;
  }
  process.stdout.write(`${r.measure} (${r.kind}): ${r.value.toFixed(6)}\n`);
}
