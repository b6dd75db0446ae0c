/**
 * The small part of the report data that the first view (the summary) and the page's frame
 * need. The page carries it in its own JSON element so the first paint does not wait for the
 * parse of the whole data (docs/report.md, "How it is built").
 */
import type { ReportClaim, ReportData } from './reportData.js';

export interface ReportSummary {
  experiment: ReportData['experiment'];
  runs: ReportData['runs'];
  jobs: ReportData['jobs'];
  counts: { networks: number; layers: number; measures: number };
  /** every study with measures, matrices or a record */
  studies: string[];
  /** the studies with measures (the "Other studies" view lists those without their own view) */
  measureStudies: string[];
  /**
   * The type of every study the experiment file names (its `study:`), by the name its results
   * are stored under (the study's `name:`, which defaults to the type). A store's measures and
   * records carry the name only; the viewer draws a named layer profile in the layer-profile
   * view, not among "Other studies", through this map.
   */
  studyKinds: Record<string, string>;
  claims: ReportClaim[];
}

/** Study name -> study type from an experiment spec (an object, or its JSON text). */
export function studyKindsOf(spec: unknown): Record<string, string> {
  let value = spec;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
  }
  const studies = (value as { studies?: unknown } | null)?.studies;
  const kinds: Record<string, string> = {};
  if (!Array.isArray(studies)) return kinds;
  for (const entry of studies as { study?: unknown; name?: unknown }[]) {
    if (typeof entry?.study !== 'string') continue;
    kinds[typeof entry.name === 'string' ? entry.name : entry.study] = entry.study;
  }
  return kinds;
}

export function summarizeReport(data: ReportData): ReportSummary {
  return {
    experiment: data.experiment,
    runs: data.runs,
    jobs: data.jobs,
    counts: {
      networks: data.networks.length,
      layers: data.layers.length,
      measures: data.measures.value.length,
    },
    studies: [
      ...new Set([
        ...data.measures.studies,
        ...data.studyResults.map((s) => s.study),
        ...data.matrices.map((m) => m.study),
      ]),
    ],
    measureStudies: data.measures.studies,
    studyKinds: studyKindsOf(data.experiment.spec),
    claims: data.claims ?? [],
  };
}
