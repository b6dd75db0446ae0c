/**
 * Reads a results store (docs/store.md) into the one JSON document the report viewer draws
 * (docs/report.md). Compact: the measures are stored column-wise with their strings
 * dictionary-encoded, diagrams and matrices as plain number arrays.
 */
import { invalidInput } from '../core/errors.js';
import type { ResultStore } from '../run/store.js';

export interface ReportOptions {
  /** Experiment id or name (default: the most recently created experiment). */
  experiment?: string;
}

/** Measures column-wise; `*Index` columns point into the dictionaries. */
export interface ReportMeasures {
  studies: string[];
  descriptors: string[];
  groups: string[];
  layers: string[];
  study: number[];
  descriptor: number[];
  group: number[];
  /** Index into `layers`, -1 when the row has no layer. */
  layer: number[];
  /** Index into ReportData.networks, -1 when the row has no network. */
  network: number[];
  layerIndex: (number | null)[];
  depth: (number | null)[];
  repeat: number[];
  k: (number | null)[];
  value: (number | null)[];
}

export interface ReportNetwork {
  id: string;
  name: string;
  source: string;
  architecture: string | null;
  width: number | null;
  depth: number | null;
  seed: number | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

export interface ReportDiagram {
  network: number;
  layer: string;
  dimension: number;
  group: string;
  repeat: number;
  births: number[];
  /** null for an essential class (infinite death). */
  deaths: (number | null)[];
}

/** A claim a study record carries (src/run/studies/claims.ts), with the record it came from. */
export interface ReportClaim {
  study: string;
  /** the study record's name (the job label: study and network) */
  name: string;
  id: string;
  claim: string;
  source: string;
  outcome: 'pass' | 'fail' | 'inconclusive';
  numbers: Record<string, number | null>;
  detail: string;
}

export interface ReportData {
  format: 'topolens-report';
  version: 1;
  experiment: { id: string; name: string; createdAt: string; spec: unknown };
  experiments: { id: string; name: string }[];
  runs: {
    id: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    workers: number | null;
    topolensVersion: string;
    error: string | null;
  }[];
  jobs: { kind: string; count: number; failed: number; seconds: number }[];
  networks: ReportNetwork[];
  layers: {
    network: number;
    name: string;
    index: number;
    depth: number;
    points: number;
    dim: number;
  }[];
  measures: ReportMeasures;
  matrices: { study: string; measure: string; kind: string; names: string[]; values: number[] }[];
  diagrams: ReportDiagram[];
  mapperGraphs: { network: number; layer: string; graph: unknown }[];
  studyResults: { study: string; name: string; result: unknown }[];
  /** The claims of every study record, in record order. */
  claims: ReportClaim[];
}

const OUTCOMES = new Set(['pass', 'fail', 'inconclusive']);

/** The `claims` list of a study record, each entry checked for its shape (others are skipped). */
export function claimsOf(study: string, name: string, result: unknown): ReportClaim[] {
  const list = (result as { claims?: unknown } | null)?.claims;
  if (!Array.isArray(list)) return [];
  const out: ReportClaim[] = [];
  for (const c of list as Record<string, unknown>[]) {
    if (!c || typeof c.claim !== 'string' || !OUTCOMES.has(String(c.outcome))) continue;
    const numbers: Record<string, number | null> = {};
    for (const [k, v] of Object.entries((c.numbers ?? {}) as Record<string, unknown>))
      numbers[k] = numOrNull(v);
    out.push({
      study,
      name,
      id: str(c.id),
      claim: c.claim,
      source: str(c.source),
      outcome: c.outcome as ReportClaim['outcome'],
      numbers,
      detail: str(c.detail),
    });
  }
  return out;
}

/** SQL string literal (the store's query() takes SQL text). */
function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const numOrNull = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

function dictionary(): { values: string[]; index(s: string): number } {
  const values: string[] = [];
  const at = new Map<string, number>();
  return {
    values,
    index(s: string) {
      let i = at.get(s);
      if (i === undefined) {
        i = values.length;
        values.push(s);
        at.set(s, i);
      }
      return i;
    },
  };
}

/** Measures with no rows: empty dictionaries and columns. */
export function emptyMeasures(): ReportMeasures {
  return {
    studies: [],
    descriptors: [],
    groups: [],
    layers: [],
    study: [],
    descriptor: [],
    group: [],
    layer: [],
    network: [],
    layerIndex: [],
    depth: [],
    repeat: [],
    k: [],
    value: [],
  };
}

/** Reads everything the viewer needs about one experiment of `store`. */
export async function buildReportData(
  store: ResultStore,
  options: ReportOptions = {},
): Promise<ReportData> {
  const experiments = await store.query(
    'SELECT id, name, spec, created_at FROM experiments ORDER BY created_at DESC, id',
  );
  if (experiments.length === 0)
    throw invalidInput(
      `the store ${store.path} holds no experiment`,
      'run one first (topolens run <experiment.yaml>) or pick another store',
    );
  const wanted = options.experiment;
  const exp =
    wanted === undefined
      ? experiments[0]
      : experiments.find((e) => e.id === wanted || e.name === wanted);
  if (!exp)
    throw invalidInput(
      `the store ${store.path} has no experiment '${wanted}'`,
      `pick one of: ${experiments.map((e) => `${str(e.name)} (${str(e.id)})`).join(', ')}`,
    );
  const id = sqlText(str(exp.id));

  const runs = await store.query(
    `SELECT id, status, started_at, finished_at, workers, topolens_version, error FROM runs WHERE experiment_id = ${id} ORDER BY started_at`,
  );
  const jobs = await store.query(
    `SELECT kind, count(*)::INTEGER AS n, count(*) FILTER (WHERE status = 'failed')::INTEGER AS failed, sum(seconds) AS seconds FROM jobs WHERE experiment_id = ${id} GROUP BY kind ORDER BY kind`,
  );
  const networkRows = await store.query(
    `SELECT id, name, source, architecture, width, depth, seed, train_accuracy, test_accuracy FROM networks WHERE experiment_id = ${id} ORDER BY name, id`,
  );
  const networks: ReportNetwork[] = networkRows.map((n) => ({
    id: str(n.id),
    name: str(n.name),
    source: str(n.source),
    architecture: n.architecture === null ? null : str(n.architecture),
    width: numOrNull(n.width),
    depth: numOrNull(n.depth),
    seed: numOrNull(n.seed),
    trainAccuracy: numOrNull(n.train_accuracy),
    testAccuracy: numOrNull(n.test_accuracy),
  }));
  const networkIndex = new Map(networks.map((n, i) => [n.id, i]));
  const netOf = (v: unknown) => (v === null ? -1 : (networkIndex.get(str(v)) ?? -1));

  const layerRows = await store.query(
    `SELECT l.network_id, l.name, l.layer_index, l.depth, l.points, l.dim FROM layers l JOIN networks n ON n.id = l.network_id WHERE n.experiment_id = ${id} ORDER BY l.network_id, l.layer_index`,
  );

  const measureRows = await store.query(
    `SELECT study, network_id, layer, layer_index, depth, descriptor, group_name, repeat, k, value FROM measures WHERE experiment_id = ${id} ORDER BY study, descriptor, network_id, layer_index, group_name, repeat`,
  );
  const studies = dictionary();
  const descriptors = dictionary();
  const groups = dictionary();
  const layers = dictionary();
  const measures: ReportMeasures = {
    ...emptyMeasures(),
    studies: studies.values,
    descriptors: descriptors.values,
    groups: groups.values,
    layers: layers.values,
  };
  for (const m of measureRows) {
    measures.study.push(studies.index(str(m.study)));
    measures.descriptor.push(descriptors.index(str(m.descriptor)));
    measures.group.push(groups.index(str(m.group_name)));
    measures.layer.push(m.layer === null ? -1 : layers.index(str(m.layer)));
    measures.network.push(netOf(m.network_id));
    measures.layerIndex.push(numOrNull(m.layer_index));
    measures.depth.push(numOrNull(m.depth));
    measures.repeat.push(Number(m.repeat));
    measures.k.push(numOrNull(m.k));
    measures.value.push(numOrNull(m.value));
  }

  const matrices = await store.query(
    `SELECT study, measure, kind, names, entries FROM matrices WHERE experiment_id = ${id} ORDER BY study, measure`,
  );
  const diagrams = await store.query(
    `SELECT network_id, layer, dimension, group_name, repeat, births, deaths FROM diagrams WHERE experiment_id = ${id} ORDER BY network_id, layer, dimension, group_name, repeat`,
  );
  const mapperGraphs = await store.query(
    `SELECT network_id, layer, graph FROM mapper_graphs WHERE experiment_id = ${id} ORDER BY network_id, layer`,
  );
  const studyResults = await store.query(
    `SELECT study, name, result FROM study_results WHERE experiment_id = ${id} ORDER BY study, name`,
  );

  return {
    format: 'topolens-report',
    version: 1,
    experiment: {
      id: str(exp.id),
      name: str(exp.name),
      createdAt: str(exp.created_at),
      spec: exp.spec ?? null,
    },
    experiments: experiments.map((e) => ({ id: str(e.id), name: str(e.name) })),
    runs: runs.map((r) => ({
      id: str(r.id),
      status: str(r.status),
      startedAt: str(r.started_at),
      finishedAt: r.finished_at === null ? null : str(r.finished_at),
      workers: numOrNull(r.workers),
      topolensVersion: str(r.topolens_version),
      error: r.error === null ? null : str(r.error),
    })),
    jobs: jobs.map((j) => ({
      kind: str(j.kind),
      count: Number(j.n),
      failed: Number(j.failed),
      seconds: Number(j.seconds ?? 0),
    })),
    networks,
    layers: layerRows.map((l) => ({
      network: netOf(l.network_id),
      name: str(l.name),
      index: Number(l.layer_index),
      depth: Number(l.depth),
      points: Number(l.points),
      dim: Number(l.dim),
    })),
    measures,
    matrices: matrices.map((m) => ({
      study: str(m.study),
      measure: str(m.measure),
      kind: str(m.kind),
      names: (m.names as unknown[]).map(str),
      values: (m.entries as unknown[]).map((v) => Number(v)),
    })),
    diagrams: diagrams.map((d) => ({
      network: netOf(d.network_id),
      layer: str(d.layer),
      dimension: Number(d.dimension),
      group: str(d.group_name),
      repeat: Number(d.repeat),
      births: (d.births as unknown[]).map((v) => Number(v)),
      deaths: (d.deaths as unknown[]).map((v) => numOrNull(Number(v))),
    })),
    mapperGraphs: mapperGraphs.map((g) => ({
      network: netOf(g.network_id),
      layer: str(g.layer),
      graph: g.graph,
    })),
    studyResults: studyResults.map((s) => ({
      study: str(s.study),
      name: str(s.name),
      result: s.result,
    })),
    claims: studyResults.flatMap((s) => claimsOf(str(s.study), str(s.name), s.result)),
  };
}

/**
 * A stamp that changes whenever the experiment's results do: the counts of its rows and the
 * newest job and run times. `topolens serve` answers it at /api/version; the page polls it and
 * redraws when it changes.
 */
export async function storeStamp(store: ResultStore, experiment?: string): Promise<string> {
  const where =
    experiment === undefined
      ? ''
      : ` WHERE experiment_id IN (SELECT id FROM experiments WHERE id = ${sqlText(experiment)} OR name = ${sqlText(experiment)})`;
  const rows = await store.query(
    `SELECT (SELECT count(*) FROM jobs${where})::BIGINT AS jobs, (SELECT max(finished_at) FROM jobs${where})::VARCHAR AS job_at, (SELECT count(*) FROM measures${where})::BIGINT AS measures, (SELECT count(*) FROM study_results${where})::BIGINT AS studies, (SELECT count(*) FROM diagrams${where})::BIGINT AS diagrams, (SELECT count(*) FROM mapper_graphs${where})::BIGINT AS graphs, (SELECT count(*) FROM matrices${where})::BIGINT AS matrices, (SELECT string_agg(status, ',' ORDER BY id) FROM runs${where})::VARCHAR AS runs, (SELECT count(*) FROM experiments)::BIGINT AS experiments`,
  );
  const r = rows[0] ?? {};
  return Object.values(r)
    .map((v) => str(v))
    .join('|');
}

/** The names of the store's experiments other than the one `data` draws. */
export function otherExperimentNames(data: ReportData): string[] {
  return data.experiments.filter((e) => e.id !== data.experiment.id).map((e) => e.name);
}
