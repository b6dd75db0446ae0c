/**
 * The Ricci-flow study in the runner (docs/studies.md#ricci-flow), with each network's clouds
 * and test accuracy (the input should be layer 0: set `layers.includeInput: true`, and leave the
 * output layer out). Planned in two parts (`split`): per network a job (in the network's unit)
 * computing `ricciFlowNetwork` and its rho rows, then one pooled job computing `ricciFlowPool`
 * from every network's part, the study's record and its pooled rows; `run` is both in one job
 * (the same rows and record).
 * Rows: per network and k, the Ricci coefficient rho and its Fisher-z form (descriptor
 * 'ricci-rho', 'ricci-fisher-z', group 'k=<k>'), per k the pooled and flow-vs-accuracy Pearson r
 * ('ricci-pooled-r', 'ricci-flow-accuracy-r'), per k and architecture (group = the architecture)
 * the pooled Pearson r and the share of negative rho of its included networks
 * ('ricci-architecture-pooled-r', 'ricci-architecture-negative-share'); the whole record as the
 * study result.
 */
import { z } from 'zod';
import { invalidInput } from '../../core/errors.js';
import {
  ricciFlowNetwork,
  ricciFlowPool,
  ricciFlowStudy,
  type RicciFlowStudyResult,
  type RicciNetworkPart,
  type RicciNetworkResult,
} from '../../study/ricciFlowStudy.js';
import { ricciFlowClaims } from './claims.js';
import type { StudyNetworkInput, StudyRows, StudyRunner } from '../studyRunners.js';

export const bootstrapOptions = z.strictObject({
  resamples: z.number().int().min(0).default(9999),
  confidence: z.number().gt(0).lt(1).default(0.95),
  method: z.enum(['bca', 'percentile']).default('bca'),
  seed: z.number().int().min(0).default(0),
});

export const ricciFlowOptions = z.strictObject({
  ks: z.array(z.number().int().min(1)).min(1).default([30, 120, 300]),
  accuracyThreshold: z.number().min(0).max(1).default(0.98),
  graph: z.enum(['undirected', 'mutual', 'directed']).default('undirected'),
  curvature: z.enum(['forman', 'augmented', 'ollivier']).default('forman'),
  fisher: z.enum(['multiply', 'divide']).default('multiply'),
  geodesic: z.enum(['hop', 'euclidean']).default('hop'),
  flowMeasure: z.enum(['rho', 'fisherZ']).default('rho'),
  bootstrap: bootstrapOptions.prefault({}),
});

type Measure = NonNullable<StudyRows['measures']>[number];

/** Per architecture at one k: its pooled r and its share of negative rho (group = architecture). */
function architectureRows(res: RicciFlowStudyResult['results'][number]): Measure[] {
  const rows: Measure[] = [];
  for (const a of res.architectures) {
    const at = { group: a.architecture, repeat: -1, k: res.k };
    const counts = { networks: a.networks, included: a.included };
    if (Number.isFinite(a.pooled.pearson.r))
      rows.push({
        ...at,
        descriptor: 'ricci-architecture-pooled-r',
        value: a.pooled.pearson.r,
        params: { p: a.pooled.pearson.pValue, n: a.pooled.n, meanRho: a.meanRho, ...counts },
      });
    if (a.negativeShare !== null)
      rows.push({
        ...at,
        descriptor: 'ricci-architecture-negative-share',
        value: a.negativeShare,
        params: counts,
      });
  }
  return rows;
}

/** The rho and Fisher-z rows of one network at one k. */
function networkRows(n: RicciNetworkResult, k: number, networkId: string | undefined): Measure[] {
  const rows: Measure[] = [];
  const at = { ...(networkId ? { networkId } : {}), group: `k=${k}`, repeat: -1, k };
  const params = { included: n.included, ...(n.exclusion ? { exclusion: n.exclusion } : {}) };
  if (n.rho !== null) rows.push({ ...at, descriptor: 'ricci-rho', value: n.rho, params });
  if (n.fisherZ !== null)
    rows.push({ ...at, descriptor: 'ricci-fisher-z', value: n.fisherZ, params });
  return rows;
}

/** The pooled and flow-vs-accuracy r at one k. */
function pooledRows(res: RicciFlowStudyResult['results'][number]): Measure[] {
  const rows: Measure[] = [];
  const group = `k=${res.k}`;
  const pooled = res.pooled.pearson.r;
  if (Number.isFinite(pooled))
    rows.push({
      descriptor: 'ricci-pooled-r',
      group,
      repeat: -1,
      k: res.k,
      value: pooled,
      params: { p: res.pooled.pearson.pValue, n: res.pooled.n },
    });
  const flow = res.flowVsAccuracy.pearson.r;
  if (Number.isFinite(flow))
    rows.push({
      descriptor: 'ricci-flow-accuracy-r',
      group,
      repeat: -1,
      k: res.k,
      value: flow,
      params: { p: res.flowVsAccuracy.pearson.pValue, n: res.flowVsAccuracy.n },
    });
  return rows;
}

/** Every row of the whole study, with its record and claims. */
export function ricciFlowRows(r: RicciFlowStudyResult, networkIds: Map<string, string>): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  for (const res of r.results) {
    measures.push(...architectureRows(res));
    for (const n of res.networks)
      measures.push(...networkRows(n, res.k, networkIds.get(n.network)));
    measures.push(...pooledRows(res));
  }
  return { result: { ...r, claims: ricciFlowClaims(r) }, measures };
}

/** The rows of the pooled part: the record with its claims and every row but the networks'. */
export function ricciFlowPooledRows(r: RicciFlowStudyResult): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  for (const res of r.results) measures.push(...architectureRows(res), ...pooledRows(res));
  return { result: { ...r, claims: ricciFlowClaims(r) }, measures };
}

function studyInput(n: StudyNetworkInput) {
  if (n.testAccuracy === undefined) {
    throw invalidInput(
      `the Ricci-flow study needs the test accuracy of network '${n.network}', which is not known`,
      'train the networks in the experiment (networks: - train: ...) with data.testFraction > 0',
    );
  }
  return {
    network: n.network,
    layers: n.layers,
    accuracy: n.testAccuracy,
    ...(n.architecture !== undefined ? { architecture: n.architecture } : {}),
  };
}

export const ricciFlowRunner: StudyRunner = {
  name: 'ricci-flow',
  scope: 'experiment',
  options: ricciFlowOptions,
  split: {
    network(network, options) {
      return ricciFlowNetwork(studyInput(network), ricciFlowOptions.parse(options));
    },
    networkRows(record, networkId) {
      const part = record as RicciNetworkPart;
      return part.results.flatMap((r) => networkRows(r.network, r.k, networkId));
    },
    pooled(records, options) {
      const o = ricciFlowOptions.parse(options);
      return ricciFlowPooledRows(ricciFlowPool(records as RicciNetworkPart[], o));
    },
  },
  run(networks, options) {
    const o = ricciFlowOptions.parse(options);
    const result = ricciFlowStudy(networks.map(studyInput), o);
    return ricciFlowRows(result, new Map(networks.map((n) => [n.network, n.networkId])));
  },
};
