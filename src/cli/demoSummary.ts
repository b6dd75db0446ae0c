/**
 * The summary table of `topolens demo` (docs/demo.md): from the report document of the demo's
 * experiments, the headline numbers of each study and the founding papers' claims it checks,
 * each with an outcome (pass, fail, inconclusive) by the rule the study records use for the same
 * claim (src/run/studies/claims.ts), so the summary and the report never disagree on a rule.
 * Plain data in, plain rows out.
 */
import type { ReportData } from '../report/reportData.js';
import {
  fallsTowardsOutputOutcome,
  negativeShareOutcome,
  risesThenFallsOutcome,
  specificityOutcome,
  type ClaimOutcome,
} from '../run/studies/claims.js';

/** A claim's outcome; 'mixed': pass at some k and not at others; 'n/a': nothing to judge. */
export type Verdict = ClaimOutcome | 'mixed' | 'n/a';

export interface SummaryRow {
  study: string;
  /** The headline numbers, one short line. */
  result: string;
  /** The paper's claim this row checks (empty for a plain result). */
  claim: string;
  verdict: Verdict;
  /** The rule the verdict applies. */
  rule: string;
}

interface ProfileRecord {
  study: 'layer-profile';
  layers: { name: string; depth: number }[];
  profiles: { descriptor: string; mean: number[] }[];
}
interface ComparisonRecord {
  study: 'layer-comparison';
  comparisons: { measure: string; specificity?: { score: number } }[];
}
interface MapperRecord {
  study: 'mapper';
  network: string;
  layers: { layer: string; nodes: number; purity: number | null; separatedShare: number }[];
}
interface RicciRecord {
  study: 'ricci-flow';
  accuracyThreshold: number;
  results: {
    k: number;
    included: number;
    networks: { rho: number | null; included: boolean }[];
    negativeShare: number | null;
  }[];
}

const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

function records<T>(data: ReportData, study: string): T[] {
  return data.studyResults
    .map((s) => s.result as { study?: string })
    .filter((r) => r && r.study === study) as T[];
}

/** The mean curve of `descriptor` over the networks' layer profiles (null when absent). */
function meanCurve(profiles: ProfileRecord[], descriptor: string): number[] | null {
  const curves = profiles
    .map((p) => p.profiles.find((d) => d.descriptor === descriptor)?.mean)
    .filter((c): c is number[] => Array.isArray(c) && c.length > 0);
  if (curves.length === 0) return null;
  return curves[0].map((_, l) => mean(curves.map((c) => c[l])));
}

/** Mapper ([P23]): mean node purity of the last mapped layer: pass from 0.8, fail below 0.5. */
export function purityOutcome(purity: number): ClaimOutcome {
  if (!Number.isFinite(purity)) return 'inconclusive';
  return purity >= 0.8 ? 'pass' : purity < 0.5 ? 'fail' : 'inconclusive';
}

/** One verdict over several k: the common outcome, or 'mixed'; 'n/a' when there is none. */
export function acrossK(outcomes: ClaimOutcome[]): Verdict {
  if (outcomes.length === 0) return 'n/a';
  return outcomes.every((o) => o === outcomes[0]) ? outcomes[0] : 'mixed';
}

function profileRows(data: ReportData): SummaryRow[] {
  const profiles = records<ProfileRecord>(data, 'layer-profile');
  if (profiles.length === 0) return [];
  const names = profiles[0].layers.map((l) => l.name);
  const rows: SummaryRow[] = [];
  const curveText = (c: number[]) => c.map((v) => fmt(v, v >= 10 ? 1 : 2)).join(' -> ');
  const h0 = meanCurve(profiles, 'h0');
  if (h0)
    rows.push({
      study: 'layer profile',
      result: `H0 sum ${curveText(h0)} (${names[0]}..${names[names.length - 1]})`,
      claim: '[M22] H0 sum falls towards the output',
      verdict: fallsTowardsOutputOutcome(
        h0,
        profiles[0].layers.map((l) => l.depth),
      ),
      rule: 'pass: last layer below the first and Spearman(depth, sum) < 0',
    });
  const id = meanCurve(profiles, 'twoNN');
  if (id)
    rows.push({
      study: 'layer profile',
      result: `TwoNN ID ${curveText(id)}`,
      claim: '[M23] ID rises, then falls',
      verdict: risesThenFallsOutcome(id),
      rule: 'pass: the peak is at an inner layer, above both ends',
    });
  return rows;
}

function comparisonRows(data: ReportData): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const r of records<ComparisonRecord>(data, 'layer-comparison')) {
    const scored = r.comparisons.filter((c) => c.specificity !== undefined);
    if (scored.length === 0) continue;
    const first = scored[0];
    rows.push({
      study: 'layer comparison',
      result: `specificity ${scored.map((c) => `${c.measure} ${fmt(c.specificity!.score)}`).join(', ')}`,
      claim: '[P23] same layer closer across seeds',
      verdict: specificityOutcome(first.specificity!.score),
      rule: `${first.measure} specificity (chance 0.5): pass from 0.8, fail at 0.5 or below`,
    });
  }
  return rows;
}

function mapperRows(data: ReportData): SummaryRow[] {
  const recs = records<MapperRecord>(data, 'mapper');
  if (recs.length === 0) return [];
  const lasts = recs.map((r) => r.layers[r.layers.length - 1]).filter((l) => l !== undefined);
  const purity = mean(lasts.map((l) => l.purity ?? 0));
  const separated = mean(lasts.map((l) => l.separatedShare));
  const layer = lasts[0]?.layer ?? '?';
  return [
    {
      study: 'mapper',
      result: `${layer}: ${fmt(mean(lasts.map((l) => l.nodes)), 0)} nodes, purity ${fmt(purity)}, pairs apart ${fmt(separated)}`,
      claim: '[P23] late layers separate classes',
      verdict: purityOutcome(purity),
      rule: 'mean node purity of the last mapped layer: pass from 0.8, fail below 0.5',
    },
  ];
}

function ricciRows(data: ReportData): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const r of records<RicciRecord>(data, 'ricci-flow')) {
    const perK = r.results.map((res) => {
      const rhos = res.networks
        .filter((n) => n.included && n.rho !== null)
        .map((n) => n.rho as number);
      return { k: res.k, rhos, total: res.networks.length };
    });
    const text = perK
      .map(
        (p) =>
          `k=${p.k}: median rho ${p.rhos.length ? fmt(median(p.rhos)) : 'n/a'} (${p.rhos.length}/${p.total})`,
      )
      .join(', ');
    rows.push({
      study: 'ricci flow',
      result: text,
      claim: '[B24] rho < 0 in most networks',
      verdict: acrossK(
        r.results.map((res) => negativeShareOutcome(res.negativeShare, res.included)),
      ),
      rule: 'pass at a k: more than half the included networks have rho < 0; mixed: not at every k',
    });
  }
  return rows;
}

/** The demo's summary rows: accuracy, then one or two rows per study with the claim checked. */
export function demoSummary(data: ReportData): SummaryRow[] {
  const trained = data.networks.filter((n) => n.testAccuracy !== null);
  const byArch = new Map<string, number[]>();
  for (const n of trained) {
    const key = n.architecture ?? n.source;
    byArch.set(key, [...(byArch.get(key) ?? []), n.testAccuracy as number]);
  }
  const accuracy: SummaryRow[] = [...byArch].map(([arch, acc]) => ({
    study: 'training',
    result: `${acc.length} ${arch} network(s): test accuracy ${
      acc.length <= 3
        ? acc.map((a) => fmt(a, 3)).join(', ')
        : `${fmt(Math.min(...acc), 3)} to ${fmt(Math.max(...acc), 3)}`
    }`,
    claim: '',
    verdict: 'n/a',
    rule: '',
  }));
  return [
    ...accuracy,
    ...profileRows(data),
    ...comparisonRows(data),
    ...mapperRows(data),
    ...ricciRows(data),
  ];
}

/** The rows as an aligned text table (study, result, claim, holds). */
export function summaryTable(rows: SummaryRow[]): string {
  const head = ['study', 'result', 'claim checked', 'holds'];
  const cells = rows.map((r) => [r.study, r.result, r.claim, r.claim ? r.verdict : '']);
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row
      .map((v, c) => (c === row.length - 1 ? v : v.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
