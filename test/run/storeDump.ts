/**
 * A comparable dump of a results store: every result table's rows sorted by id, with what
 * legitimately differs between two runs of the same experiment taken out (the run and timing
 * rows, creation times, training seconds, and the store's own path in model paths and the spec).
 */
import type { ResultStore } from '../../src/run/store.js';

export const RESULT_TABLES = [
  'experiments',
  'networks',
  'layers',
  'measures',
  'diagrams',
  'matrices',
  'mapper_graphs',
  'study_results',
] as const;

function normalise(table: string, row: Record<string, unknown>): Record<string, unknown> {
  const r = { ...row };
  if (table === 'experiments') {
    delete r.createdAt;
    const spec = { ...(r.spec as Record<string, unknown>) };
    delete spec.store;
    r.spec = spec;
  }
  if (table === 'networks') {
    delete r.trainSeconds;
    if (typeof r.modelPath === 'string' && r.modelPath.includes('.models/'))
      r.modelPath = r.modelPath.slice(r.modelPath.indexOf('.models/'));
  }
  return r;
}

export async function dumpStore(store: ResultStore): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of RESULT_TABLES) {
    const rows = (await store.readRows(t)) as unknown as Record<string, unknown>[];
    out[t] = rows
      .map((r) => normalise(t, r))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  }
  const jobs = (await store.readRows('jobs')) as unknown as Record<string, unknown>[];
  out.doneJobs = jobs
    .filter((j) => j.status === 'done')
    .map((j) => `${String(j.kind)} ${String(j.label)} ${String(j.id)}`)
    .sort();
  return out;
}
