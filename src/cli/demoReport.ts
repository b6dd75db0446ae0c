/**
 * One report of several experiments: `topolens demo` runs two experiment files (a CNN on MNIST,
 * dense networks for the Ricci flow on a synthetic set: an experiment has one data set) and
 * shows them in one page. `combineReports` joins their report documents (docs/report.md) into
 * one: networks, layers, measures, matrices, diagrams, Mapper graphs and study records side by
 * side, with the indices into the network list and the measure dictionaries renumbered.
 */
import { invalidInput } from '../core/errors.js';
import { emptyMeasures, type ReportData } from '../report/reportData.js';

/** The fields combineReports joins itself (the others: see the end of combineReports). */
const HANDLED = new Set([
  'format',
  'version',
  'experiment',
  'experiments',
  'runs',
  'jobs',
  'networks',
  'layers',
  'measures',
  'matrices',
  'diagrams',
  'mapperGraphs',
  'studyResults',
]);

/** Index of `s` in `values`, appending it when absent. */
function indexIn(values: string[], s: string): number {
  const i = values.indexOf(s);
  if (i >= 0) return i;
  values.push(s);
  return values.length - 1;
}

/**
 * Joins `parts` (each one experiment's report document) into one document named `name`. The
 * joined experiment's id is the parts' short ids joined by '+' and its spec the list of the
 * parts' specs (the full ids are in `experiments`); runs and jobs are concatenated (jobs of one
 * kind summed), and every network-indexed row points at the joined network list. Rows of studies with the same name in two parts are shown together
 * (one line per network), as the viewer shows a study's networks.
 */
export function combineReports(parts: ReportData[], name: string): ReportData {
  if (parts.length === 0)
    throw invalidInput('combineReports needs at least one report', 'pass the reports to join');
  const out: ReportData = {
    ...parts[0],
    format: 'topolens-report',
    version: 1,
    experiment: {
      id: parts.map((p) => p.experiment.id.slice(0, 12)).join('+'),
      name,
      createdAt: parts[0].experiment.createdAt,
      spec: { experiments: parts.map((p) => p.experiment.spec) },
    },
    experiments: parts.map((p) => ({ id: p.experiment.id, name: p.experiment.name })),
    runs: [],
    jobs: [],
    networks: [],
    layers: [],
    measures: emptyMeasures(),
    matrices: [],
    diagrams: [],
    mapperGraphs: [],
    studyResults: [],
  };
  const jobs = new Map<string, ReportData['jobs'][number]>();
  const m = out.measures;
  for (const p of parts) {
    const offset = out.networks.length;
    const net = (i: number) => (i < 0 ? i : i + offset);
    out.runs.push(...p.runs);
    for (const j of p.jobs) {
      const had = jobs.get(j.kind);
      if (had) {
        had.count += j.count;
        had.failed += j.failed;
        had.seconds += j.seconds;
      } else jobs.set(j.kind, { ...j });
    }
    out.networks.push(...p.networks);
    out.layers.push(...p.layers.map((l) => ({ ...l, network: net(l.network) })));
    const pm = p.measures;
    for (let r = 0; r < pm.value.length; r++) {
      m.study.push(indexIn(m.studies, pm.studies[pm.study[r]]));
      m.descriptor.push(indexIn(m.descriptors, pm.descriptors[pm.descriptor[r]]));
      m.group.push(indexIn(m.groups, pm.groups[pm.group[r]]));
      m.layer.push(pm.layer[r] < 0 ? -1 : indexIn(m.layers, pm.layers[pm.layer[r]]));
      m.network.push(net(pm.network[r]));
      m.layerIndex.push(pm.layerIndex[r]);
      m.depth.push(pm.depth[r]);
      m.repeat.push(pm.repeat[r]);
      m.k.push(pm.k[r]);
      m.value.push(pm.value[r]);
    }
    out.matrices.push(...p.matrices);
    out.diagrams.push(...p.diagrams.map((d) => ({ ...d, network: net(d.network) })));
    out.mapperGraphs.push(...p.mapperGraphs.map((g) => ({ ...g, network: net(g.network) })));
    out.studyResults.push(...p.studyResults);
  }
  out.jobs = [...jobs.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  // a list this module does not know (added to the report document later, e.g. the claims of
  // the study records) holds no network indices: the parts' lists are concatenated
  for (const key of Object.keys(parts[0])) {
    if (HANDLED.has(key)) continue;
    const lists = parts.map((p) => (p as unknown as Record<string, unknown>)[key]);
    if (lists.every(Array.isArray))
      (out as unknown as Record<string, unknown>)[key] = (lists as unknown[][]).flat();
  }
  return out;
}
