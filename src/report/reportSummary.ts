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
  claims: ReportClaim[];
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
    claims: data.claims ?? [],
  };
}
