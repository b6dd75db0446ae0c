/**
 * The papers' claims a study run tests, and their outcome on this run (docs/report.md, "Claims
 * and outcomes"). Each study runner stores them in its study record as `claims`; the report's
 * summary lists them. Outcomes are computed from the run's numbers by the rules written beside
 * each check here and in docs/report.md, never fixed in advance.
 */
import { spearman } from '../../linalg/correlation.js';
import { correlationPValue } from '../../stats/studentT.js';
import type { LayerProfileResult } from '../../study/layerProfile.js';
import type { GeneralizationResult } from '../../study/generalization.js';
import type { RicciFlowStudyResult } from '../../study/ricciFlowStudy.js';
import type { LayerComparisonResult } from '../../study/layerComparison.js';
import type { PopulationComparisonResult } from '../../study/populationComparison.js';
import type { AdversarialResult } from '../../study/adversarial.js';

export type ClaimOutcome = 'pass' | 'fail' | 'inconclusive';

export interface Claim {
  /** stable id of the check, e.g. 'layer-profile/hunchback/twonn' */
  id: string;
  /** the paper's claim in words */
  claim: string;
  /** the paper it comes from ([M22], [M23], [B24], [P23]) */
  source: string;
  outcome: ClaimOutcome;
  /** the numbers the outcome was decided on (null: not finite) */
  numbers: Record<string, number | null>;
  /** how the outcome was decided, in words */
  detail: string;
}

/** The significance level of every test-based claim. */
export const CLAIM_ALPHA = 0.05;
/** Specificity score at or above which the specificity claim passes (at or below 0.5 it fails). */
export const SPECIFICITY_PASS = 0.8;

const num = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;

/** pass / fail by the sign of r when p < alpha, otherwise inconclusive. */
function signTest(r: number, p: number, wantNegative: boolean): ClaimOutcome {
  if (!Number.isFinite(r) || !Number.isFinite(p) || p >= CLAIM_ALPHA) return 'inconclusive';
  return r < 0 === wantNegative ? 'pass' : 'fail';
}

const INTRINSIC = { phDim: 'PH-dim', twoNN: 'TwoNN', mle: 'MLE' } as const;
const LIFESPAN = { h0: 'H0', h1: 'H1' } as const;

/** The index of the largest value (the first of equal maxima). */
function peakLayer(v: number[]): number {
  let peak = 0;
  for (let l = 1; l < v.length; l++) if (v[l] > v[peak]) peak = l;
  return peak;
}

/**
 * "Rises then falls" on a profile over layers: pass when the maximum lies at an inner layer and
 * exceeds both ends, fail otherwise, inconclusive with fewer than 3 layers or a value not finite.
 * One rule for the study records and the demo's summary (src/cli/demoSummary.ts).
 */
export function risesThenFallsOutcome(v: number[]): ClaimOutcome {
  const L = v.length;
  if (L < 3 || !v.every(Number.isFinite)) return 'inconclusive';
  const peak = peakLayer(v);
  return peak > 0 && peak < L - 1 && v[peak] > v[0] && v[peak] > v[L - 1] ? 'pass' : 'fail';
}

/**
 * "Falls towards the output" on a profile over layers at `depths`: pass when the last value is
 * below the first and Spearman(depth, value) < 0, fail otherwise, inconclusive with fewer than 3
 * layers or an undefined Spearman correlation.
 */
export function fallsTowardsOutputOutcome(v: number[], depths: number[]): ClaimOutcome {
  const L = v.length;
  const s = L >= 3 ? spearman(depths, v) : NaN;
  if (L < 3 || !Number.isFinite(s)) return 'inconclusive';
  return s < 0 && v[L - 1] < v[0] ? 'pass' : 'fail';
}

/** Specificity ([P23]): pass at a score >= SPECIFICITY_PASS, fail at <= 0.5 (chance). */
export function specificityOutcome(score: number): ClaimOutcome {
  if (!Number.isFinite(score)) return 'inconclusive';
  return score >= SPECIFICITY_PASS ? 'pass' : score <= 0.5 ? 'fail' : 'inconclusive';
}

/** Ricci flow ([B24]): most included networks have rho < 0 (share above one half). */
export function negativeShareOutcome(share: number | null, included: number): ClaimOutcome {
  if (share === null || included === 0) return 'inconclusive';
  return share > 0.5 ? 'pass' : 'fail';
}

/**
 * Layer profile ([M22], [M23]): per intrinsic-dimension descriptor, "rises then falls": the
 * mean profile's maximum lies at an inner layer and exceeds both the first and the last layer
 * (inconclusive with fewer than 3 layers); per lifespan sum, "falls towards the output": the
 * last layer's value is below the first's and the Spearman correlation with depth is negative
 * (inconclusive with fewer than 3 layers).
 */
export function layerProfileClaims(r: LayerProfileResult): Claim[] {
  const out: Claim[] = [];
  const L = r.layers.length;
  const depths = r.layers.map((l) => l.depth);
  for (const p of r.profiles) {
    const v = p.mean;
    if (p.descriptor in INTRINSIC) {
      const name = INTRINSIC[p.descriptor as keyof typeof INTRINSIC];
      const peak = peakLayer(v);
      const outcome = risesThenFallsOutcome(v);
      out.push({
        id: `layer-profile/hunchback/${p.descriptor}`,
        claim: `intrinsic dimension (${name}) rises then falls over depth`,
        source: '[M22], [M23]',
        outcome,
        numbers: {
          first: num(v[0]),
          peak: num(v[peak]),
          peakLayer: peak,
          last: num(v[L - 1]),
          layers: L,
        },
        detail:
          L < 3
            ? `${L} layers: a rise and a fall need at least 3`
            : `maximum at layer ${peak} of 0..${L - 1}; passes when it is an inner layer above both ends`,
      });
    } else if (p.descriptor in LIFESPAN) {
      const name = LIFESPAN[p.descriptor as keyof typeof LIFESPAN];
      const s = L >= 3 ? spearman(depths, v) : NaN;
      const outcome = fallsTowardsOutputOutcome(v, depths);
      out.push({
        id: `layer-profile/lifespan-falls/${p.descriptor}`,
        claim: `${name} lifespan sums fall towards the output`,
        source: '[M22]',
        outcome,
        numbers: { first: num(v[0]), last: num(v[L - 1]), spearman: num(s), layers: L },
        detail: 'passes when the last layer is below the first and Spearman(depth, value) < 0',
      });
    }
  }
  return out;
}

/**
 * Generalization ([M22]): the descriptor of the logits correlates negatively with test
 * accuracy: pass when the Pearson r's interval (bootstrap when computed, else Fisher-z) lies
 * below 0, fail when it lies above 0, inconclusive when it contains 0 or n < 3.
 */
export function generalizationClaims(r: GeneralizationResult): Claim[] {
  const c = r.correlation;
  const boot = c.pearson.bootstrap;
  const useBoot = boot && Number.isFinite(boot.low) && Number.isFinite(boot.high);
  const low = useBoot ? boot.low : c.pearson.fisher.low;
  const high = useBoot ? boot.high : c.pearson.fisher.high;
  const known = c.n >= 3 && Number.isFinite(low) && Number.isFinite(high);
  const outcome: ClaimOutcome = !known
    ? 'inconclusive'
    : high < 0
      ? 'pass'
      : low > 0
        ? 'fail'
        : 'inconclusive';
  return [
    {
      id: `generalization/negative-correlation/${r.descriptor}`,
      claim: `${r.descriptor.toUpperCase()} lifespan sum of the logits correlates negatively with test accuracy`,
      source: '[M22]',
      outcome,
      numbers: {
        r: num(c.pearson.r),
        p: num(c.pearson.pValue),
        low: num(low),
        high: num(high),
        confidence: c.confidence,
        n: c.n,
      },
      detail: `${Math.round(c.confidence * 100)} % ${useBoot ? 'bootstrap' : 'Fisher-z'} interval of Pearson r; passes when it lies below 0, fails above 0`,
    },
  ];
}

/**
 * Ricci flow ([B24]), per k: the pooled Pearson r of Ric_(l-1) against g_l - g_(l-1) is
 * negative (p < 0.05); the flow coefficient rho correlates negatively with accuracy (p < 0.05);
 * most included networks have rho < 0 (share above one half; inconclusive with no network).
 */
export function ricciFlowClaims(r: RicciFlowStudyResult): Claim[] {
  const out: Claim[] = [];
  for (const res of r.results) {
    const pooled = res.pooled.pearson;
    out.push({
      id: `ricci-flow/pooled-negative/k=${res.k}`,
      claim: `Ric_(l-1) negatively correlated with g_l - g_(l-1) (k = ${res.k})`,
      source: '[B24]',
      outcome: signTest(pooled.r, pooled.pValue, true),
      numbers: { r: num(pooled.r), p: num(pooled.pValue), n: res.pooled.n, k: res.k },
      detail: `pooled Pearson r over (network, layer) pairs; pass: r < 0 with p < ${CLAIM_ALPHA}; fail: r > 0 with p < ${CLAIM_ALPHA}`,
    });
    const flow = res.flowVsAccuracy.pearson;
    out.push({
      id: `ricci-flow/flow-accuracy/k=${res.k}`,
      claim: `stronger (more negative) flow goes with higher accuracy (k = ${res.k})`,
      source: '[B24]',
      outcome: signTest(flow.r, flow.pValue, true),
      numbers: {
        r: num(flow.r),
        p: num(flow.pValue),
        n: res.flowVsAccuracy.n,
        k: res.k,
      },
      detail: `Pearson r of rho with test accuracy over included networks; pass: r < 0 with p < ${CLAIM_ALPHA}`,
    });
    const share = res.negativeShare;
    out.push({
      id: `ricci-flow/mostly-negative/k=${res.k}`,
      claim: `well-trained networks mostly show negative coefficients (k = ${res.k})`,
      source: '[B24]',
      outcome: negativeShareOutcome(share, res.included),
      numbers: { negativeShare: num(share), included: res.included, k: res.k },
      detail: 'share of included networks with rho < 0; passes above one half',
    });
  }
  return out;
}

/**
 * Layer comparison ([P23]), per measure with a specificity score: "the same layer across seeds
 * is closer than different layers": pass at a score >= 0.8, fail at <= 0.5 (chance),
 * inconclusive between.
 */
export function layerComparisonClaims(r: LayerComparisonResult): Claim[] {
  const out: Claim[] = [];
  for (const c of r.comparisons) {
    if (!c.specificity) continue;
    const s = c.specificity.score;
    out.push({
      id: `layer-comparison/specificity/${c.measure}`,
      claim: `same layer across seeds closer than different layers (${c.measure})`,
      source: '[P23]',
      outcome: specificityOutcome(s),
      numbers: { score: num(s), comparisons: c.specificity.comparisons },
      detail: `fraction of comparisons with the same layer closer; pass >= ${SPECIFICITY_PASS}, fail <= 0.5 (chance)`,
    });
  }
  return out;
}

/**
 * Population comparison ([M22]), per statistic: the two populations differ at some layer:
 * pass when the smallest Holm-adjusted permutation p-value over layers is below 0.05, fail
 * otherwise (the test had its chance at every layer).
 */
export function populationComparisonClaims(r: PopulationComparisonResult): Claim[] {
  const best = new Map<string, { p: number; raw: number; layer: string; observed: number }>();
  for (const l of r.layers)
    for (const t of l.tests) {
      const b = best.get(t.statistic);
      if (!b || t.pHolm < b.p)
        best.set(t.statistic, { p: t.pHolm, raw: t.pValue, layer: l.name, observed: t.observed });
    }
  return [...best].map(([statistic, b]) => ({
    id: `population-comparison/differ/${statistic}`,
    claim: `the two populations differ in ${statistic} (p < ${CLAIM_ALPHA})`,
    source: '[M22]',
    outcome: !Number.isFinite(b.p) ? 'inconclusive' : b.p < CLAIM_ALPHA ? 'pass' : 'fail',
    numbers: { pHolm: num(b.p), p: num(b.raw), observed: num(b.observed), layers: r.layers.length },
    detail: `smallest Holm-adjusted permutation p over layers (at layer ${b.layer})`,
  }));
}

/**
 * Adversarial ([M22]), per grouping and lifespan-sum descriptor: "the more successful the
 * attack, the lower the lifespan sums": the Spearman correlation over eps of attack success with
 * the layers' mean is negative with p < 0.05 (t approximation, n = number of eps); fail when
 * positive with p < 0.05; inconclusive otherwise or with fewer than 3 eps.
 */
export function adversarialClaims(records: AdversarialResult[]): Claim[] {
  const out: Claim[] = [];
  for (const r of records) {
    const n = r.results.length;
    for (const t of r.trend) {
      if (!(t.descriptor in LIFESPAN)) continue;
      const s = t.spearman ?? NaN;
      const p = n >= 3 && Number.isFinite(s) ? correlationPValue(s, n) : NaN;
      out.push({
        id: `adversarial/simpler-topology/${r.grouping}/${t.descriptor}`,
        claim: `the more successful the attack, the lower the ${LIFESPAN[t.descriptor as keyof typeof LIFESPAN]} lifespan sums (grouping ${r.grouping})`,
        source: '[M22]',
        outcome: signTest(s, p, true),
        numbers: { spearman: num(s), p: num(p), eps: n },
        detail: `Spearman over eps of attack success against the mean over layers; pass: < 0 with p < ${CLAIM_ALPHA}`,
      });
    }
  }
  return out;
}
