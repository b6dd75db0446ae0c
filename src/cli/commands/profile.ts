/**
 * `topolens profile <model.onnx|model.json> --inputs x.npy [--labels y.npy] [--layers a,b]
 * [--store results.duckdb] [--json]`: the layer profile of one network on given inputs, without
 * an experiment file. It builds the one-network experiment the file would describe (data: the
 * arrays, all of them; the network: the model file; one layer-profile study) and runs it like
 * `topolens run`, so its results land in the store and a second call finds them done.
 */
import { basename, resolve } from 'node:path';
import { InProcessExecutor } from '../../run/executor.js';
import { checkExperimentInputs } from '../../run/experimentFile.js';
import { resolveExperiment } from '../../run/experimentSchema.js';
import { absolutePaths } from '../../run/experimentFile.js';
import { planExperiment } from '../../run/plan.js';
import { openStore } from '../../run/store.js';
import { printJSON } from '../output.js';
import { runResolved, summaryText } from './run.js';
import type { LayerProfileResult } from '../../study/layerProfile.js';

export interface ProfileCommandOptions {
  inputs: string;
  labels?: string;
  layers?: string;
  includeInput?: boolean;
  perClass?: string;
  store?: string;
  json?: boolean;
}

/** The experiment that `topolens profile` runs, as an experiment file would say it. */
export function profileExperiment(
  model: string,
  o: ProfileCommandOptions,
): Record<string, unknown> {
  const layers = o.layers
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return {
    name: `profile ${basename(model)}`,
    data: {
      dataset: 'arrays',
      inputs: o.inputs,
      ...(o.labels ? { labels: o.labels } : {}),
      size: Number.MAX_SAFE_INTEGER,
      testFraction: 0,
    },
    networks: [{ model }],
    layers: {
      ...(layers && layers.length > 0 ? { select: layers } : {}),
      ...(o.includeInput ? { includeInput: true } : {}),
    },
    sampling: { split: 'train' },
    studies: [
      {
        study: 'layer-profile',
        options: o.perClass !== undefined ? { perClass: Number(o.perClass) } : {},
      },
    ],
    store: { path: o.store ?? 'results.duckdb' },
  };
}

export async function profileCommand(
  model: string,
  o: ProfileCommandOptions,
): Promise<LayerProfileResult> {
  const spec = absolutePaths(
    resolveExperiment(profileExperiment(model, o), 'topolens profile'),
    process.cwd(),
  );
  const storePath = spec.store.path;
  await checkExperimentInputs(spec, 'topolens profile');
  const summary = await runResolved(spec, storePath, new InProcessExecutor(), !o.json, {
    command: 'profile',
    model: resolve(model),
  });
  if (summary.failed.length > 0) {
    process.stderr.write(summaryText(summary, storePath) + '\n');
    process.exitCode = 1;
  }
  const plan = planExperiment(spec, storePath);
  const store = await openStore(storePath, { readOnly: true });
  let result: LayerProfileResult | undefined;
  try {
    const rows = await store.readRows('study_results', `experiment_id = '${plan.experimentId}'`);
    result = rows[0]?.result as LayerProfileResult | undefined;
  } finally {
    await store.close();
  }
  if (!result) return Promise.reject(new Error('internal: the layer profile was not stored'));
  if (o.json) printJSON(result);
  else process.stdout.write(profileTable(result) + '\n');
  return result;
}

/** The profile as a table: one row per layer, one column per descriptor (mean over repeats). */
export function profileTable(r: LayerProfileResult): string {
  const head = ['layer', 'depth', ...r.profiles.map((p) => p.descriptor)];
  const rows = r.layers.map((l, i) => [
    l.name,
    l.depth.toFixed(3),
    ...r.profiles.map((p) =>
      Number.isFinite(p.mean[i]) ? p.mean[i].toPrecision(4) : String(p.mean[i]),
    ),
  ]);
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const fmt = (row: string[]) =>
    row.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  ');
  return [
    `layer profile of ${r.networks.join(', ')} on ${r.inputsUsed} inputs`,
    fmt(head),
    ...rows.map(fmt),
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
