/**
 * Fills a results store with realistic synthetic rows for every study the report draws
 * (layer profile, layer comparison, persistence, Mapper, Ricci flow, generalization), through the
 * store API. Used by the report tests and bench/report.ts (1,500 networks, 7 layers, 3 k).
 */
import type { ResultStore } from '../../src/run/store.js';
import type { DiagramRow, LayerRow, MeasureRow, NetworkRow } from '../../src/run/storeRows.js';

export interface SyntheticStoreOptions {
  networks?: number;
  layers?: number;
  ks?: number[];
  classNames?: string[];
  /** Name of every layer (index appended). */
  layerName?: (l: number) => string;
  experimentName?: string;
  seed?: number;
  /** Repeats of the layer profile per network (default 2). */
  repeats?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export async function fillSyntheticStore(
  store: ResultStore,
  options: SyntheticStoreOptions = {},
): Promise<{ experimentId: string }> {
  const nNet = options.networks ?? 4;
  const nLayers = options.layers ?? 5;
  const ks = options.ks ?? [30, 120];
  const classes = options.classNames ?? ['zero', 'one', 'two'];
  const layerName = options.layerName ?? ((l: number) => `dense_${l}`);
  const repeats = options.repeats ?? 2;
  const rand = rng(options.seed ?? 1);
  const experimentId = 'exp-synthetic';
  const now = '2026-12-03T09:00:00.000Z';
  await store.putExperiment({
    id: experimentId,
    name: options.experimentName ?? 'synthetic sweep',
    spec: { networks: nNet, layers: nLayers },
    createdAt: now,
  });
  await store.putRun({
    id: 'run-1',
    experimentId,
    options: {},
    topolensVersion: '0.1.0',
    startedAt: now,
    finishedAt: '2026-12-03T09:05:00.000Z',
    status: 'done',
    workers: 2,
  });
  const networks: NetworkRow[] = [];
  const layers: LayerRow[] = [];
  const measures: MeasureRow[] = [];
  const diagrams: DiagramRow[] = [];
  const ricciNetworks = ks.map(() => [] as unknown[]);
  for (let n = 0; n < nNet; n++) {
    const id = `net-${n}`;
    const acc = 0.9 + 0.095 * rand();
    networks.push({
      id,
      experimentId,
      name: `mlp-w${8 + (n % 4) * 8}-s${n}`,
      source: 'trained',
      architecture: 'mlp',
      width: 8 + (n % 4) * 8,
      depth: nLayers,
      seed: n,
      trainAccuracy: Math.min(1, acc + 0.01),
      testAccuracy: acc,
    });
    for (let l = 0; l < nLayers; l++) {
      const depth = (l + 1) / nLayers;
      const name = layerName(l);
      layers.push({
        id: `${id}-L${l}`,
        networkId: id,
        name,
        index: l,
        depth,
        strategy: 'all',
        points: 300,
        dim: 32,
      });
      const at = {
        experimentId,
        study: 'layer-profile',
        networkId: id,
        layer: name,
        layerIndex: l,
        depth,
      };
      const base: Record<string, number> = {
        'h0-lifespan-sum': 40 * Math.exp(-2 * depth) + 3 * rand(),
        twonn: 6 - 4 * depth + rand(),
        phdim: 5 - 3 * depth + 0.5 * rand(),
      };
      for (const [descriptor, v] of Object.entries(base)) {
        measures.push({
          ...at,
          id: `${id}-${l}-${descriptor}-m`,
          descriptor,
          group: 'all',
          repeat: -1,
          value: v,
        });
        for (let r = 0; r < repeats; r++)
          measures.push({
            ...at,
            id: `${id}-${l}-${descriptor}-r${r}`,
            descriptor,
            group: 'all',
            repeat: r,
            value: v * (1 + 0.2 * (rand() - 0.5)),
          });
        classes.forEach((c, ci) =>
          measures.push({
            ...at,
            id: `${id}-${l}-${descriptor}-c${ci}`,
            descriptor,
            group: c,
            repeat: -1,
            value: v * (0.8 + 0.1 * ci),
          }),
        );
      }
      if (n < 2) {
        const m = 30;
        const births = Array.from({ length: m }, () => 0);
        const deaths = Array.from({ length: m }, (_, j) =>
          j === 0 ? Infinity : (1 - depth / 2) * rand(),
        );
        diagrams.push({
          id: `${id}-${l}-d0`,
          networkId: id,
          experimentId,
          layer: name,
          dimension: 0,
          group: 'all',
          repeat: 0,
          births,
          deaths,
        });
        const b1 = Array.from({ length: 8 }, () => 0.3 + 0.2 * rand());
        diagrams.push({
          id: `${id}-${l}-d1`,
          networkId: id,
          experimentId,
          layer: name,
          dimension: 1,
          group: 'all',
          repeat: 0,
          births: b1,
          deaths: b1.map((b) => b + 0.3 * rand()),
        });
      }
    }
    ks.forEach((k, ki) => {
      const included = acc > 0.91;
      const rho = -0.2 - 0.6 * (acc - 0.9) * 10 + 0.1 * rand();
      measures.push({
        id: `${id}-rho-${k}`,
        experimentId,
        study: 'ricci-flow',
        networkId: id,
        descriptor: 'ricci-rho',
        group: `k=${k}`,
        repeat: -1,
        k,
        value: rho,
        params: { included },
      });
      let g = 10;
      ricciNetworks[ki].push({
        network: networks[n].name,
        accuracy: acc,
        rho,
        fisherZ: Math.atanh(rho),
        layers: Array.from({ length: nLayers }, (_, l) => {
          g = g - 1 + rand();
          return { curvature: -k / 4 + 5 * rand() - l, geodesicMass: g, components: 1 };
        }),
        eta: [],
        connected: true,
        included,
        ...(included ? {} : { exclusion: `test accuracy ${acc.toFixed(3)} below 0.91` }),
      });
    });
    measures.push({
      id: `${id}-gen`,
      experimentId,
      study: 'generalization',
      networkId: id,
      descriptor: 'generalization-h0',
      group: 'all',
      repeat: -1,
      value: 20 - 10 * acc + rand(),
    });
  }
  await store.putNetwork(networks[0]);
  await store.commitJob(
    {
      id: 'job-all',
      experimentId,
      kind: 'study:layer-profile',
      label: 'all',
      seconds: 12.5,
      finishedAt: now,
      status: 'done',
    },
    { networks, layers, measures, diagrams },
  );
  const names = Array.from({ length: nLayers }, (_, l) => layerName(l));
  const cka = names.flatMap((_, i) => names.map((__, j) => Math.exp(-Math.abs(i - j) / 2)));
  await store.putMatrix({
    id: 'mx-cka',
    experimentId,
    study: 'layer-comparison',
    measure: 'linear-cka',
    kind: 'similarity',
    names,
    values: cka,
  });
  await store.putMatrix({
    id: 'mx-diag',
    experimentId,
    study: 'layer-comparison',
    measure: 'bottleneck',
    kind: 'distance',
    names,
    values: cka.map((v) => 1 - v),
  });
  // A Mapper graph: two loops of nodes joined by a bridge, classes along them.
  const nodes = Array.from({ length: 34 }, (_, i) => {
    const t = (2 * Math.PI * (i % 17)) / 17;
    const cx = i < 17 ? 0 : 3;
    const counts: Record<string, number> = {};
    counts[classes[i % classes.length]] = 10 + (i % 7);
    counts[classes[(i + 1) % classes.length]] = i % 3;
    const size = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      id: i,
      size,
      x: cx + Math.cos(t),
      y: Math.sin(t),
      classCounts: counts,
      purity: (10 + (i % 7)) / size,
      meanLens: [t],
      component: 0,
    };
  });
  const edges = nodes.map((_, i) => ({
    source: i,
    target: i < 17 ? (i + 1) % 17 : 17 + ((i - 16) % 17),
    weight: 1,
  }));
  edges.push({ source: 0, target: 25, weight: 1 });
  await store.putMapperGraph({
    id: 'mapper-1',
    experimentId,
    networkId: 'net-0',
    layer: names[nLayers - 1],
    graph: { format: 'topolens-mapper', version: 1, nodes, edges },
  });
  await store.putStudyResult({
    id: 'ricci-result',
    experimentId,
    study: 'ricci-flow',
    name: 'ricci-flow',
    result: {
      study: 'ricci-flow',
      results: ks.map((k, ki) => ({
        k,
        networks: ricciNetworks[ki],
        pooled: { pearson: { r: -0.42, pValue: 0.001 }, n: 100 },
      })),
      skippedKs: [],
      claims: ks.map((k) => ({
        id: `ricci-flow/pooled-negative/k=${k}`,
        claim: `Ric_(l-1) negatively correlated with g_l - g_(l-1) (k = ${k})`,
        source: '[B24]',
        outcome: 'pass',
        numbers: { r: -0.42, p: 0.001, n: 100, k },
        detail: 'pooled Pearson r over (network, layer) pairs',
      })),
    },
  });
  await fillStudyRecords(store, experimentId, names, rand);
  return { experimentId };
}

/**
 * Records of the adversarial and population-comparison studies (as their runners store them),
 * and a layer-profile record, each with claims of every outcome, so the summary, the adversarial
 * and the population views have data.
 */
async function fillStudyRecords(
  store: ResultStore,
  experimentId: string,
  layers: string[],
  rand: () => number,
): Promise<void> {
  const L = layers.length;
  const layerInfo = layers.map((name, index) => ({ name, index, depth: (index + 1) / L }));
  const eps = [0, 0.01, 0.02, 0.04, 0.08];
  const results = eps.map((e, i) => {
    const success = Math.min(1, 0.05 + 2.5 * e);
    return {
      eps: e,
      accuracy: 1 - success,
      macroF1: Math.max(0, 0.94 - 2.4 * e),
      attackSuccess: success,
      profiles: ['h0', 'h1'].map((descriptor, di) => ({
        descriptor,
        scope: 'class',
        mean: layerInfo.map(
          (l) =>
            (di === 0 ? 20 : 4) * (1 - 0.5 * l.depth) * (1 - (0.3 * i) / eps.length) + 0.3 * rand(),
        ),
        classStd: layerInfo.map(() => 0.1),
      })),
    };
  });
  await store.putStudyResult({
    id: 'adversarial-result',
    experimentId,
    study: 'adversarial',
    name: 'adversarial mlp-w8-s0',
    result: {
      study: 'adversarial',
      groupings: [
        {
          study: 'adversarial',
          grouping: 'true',
          layers: layerInfo,
          results,
          trend: [
            { descriptor: 'h0', spearman: -1 },
            { descriptor: 'h1', spearman: -0.7 },
          ],
        },
      ],
      claims: [
        {
          id: 'adversarial/simpler-topology/true/h0',
          claim: 'the more successful the attack, the lower the H0 lifespan sums (grouping true)',
          source: '[M22]',
          outcome: 'pass',
          numbers: { spearman: -1, p: 0, eps: eps.length },
          detail: 'Spearman over eps of attack success against the mean over layers',
        },
        {
          id: 'adversarial/simpler-topology/true/h1',
          claim: 'the more successful the attack, the lower the H1 lifespan sums (grouping true)',
          source: '[M22]',
          outcome: 'inconclusive',
          numbers: { spearman: -0.7, p: 0.188, eps: eps.length },
          detail: 'Spearman over eps of attack success against the mean over layers',
        },
      ],
    },
  });
  await store.putStudyResult({
    id: 'population-result',
    experimentId,
    study: 'population-comparison',
    name: 'population-comparison mlp-w8-s0',
    result: {
      study: 'population-comparison',
      populations: ['classes 0', 'classes 1'],
      inputsUsed: [100, 100],
      alternative: 'two-sided',
      layers: layerInfo.map((l) => ({
        ...l,
        tests: [
          {
            statistic: 'h0',
            valueA: 10 - 4 * l.depth,
            valueB: 10 - 2 * l.depth,
            observed: -2 * l.depth,
            pValue: Math.max(0.001, 0.4 - 0.4 * l.depth),
            pHolm: Math.min(1, Math.max(0.001, 0.4 - 0.4 * l.depth) * 2 * L),
            exact: false,
            permutations: 999,
            nullMean: 0,
            nullStd: 1,
          },
          {
            statistic: 'energy',
            valueA: null,
            valueB: null,
            observed: 0.2 + l.depth,
            pValue: 0.02,
            pHolm: 0.08,
            exact: false,
            permutations: 999,
            nullMean: 0,
            nullStd: 1,
          },
        ],
      })),
      claims: [
        {
          id: 'population-comparison/differ/h0',
          claim: 'the two populations differ in h0 (p < 0.05)',
          source: '[M22]',
          outcome: 'pass',
          numbers: { pHolm: 0.01, p: 0.001, observed: -2, layers: L },
          detail: 'smallest Holm-adjusted permutation p over layers',
        },
        {
          id: 'population-comparison/differ/energy',
          claim: 'the two populations differ in energy (p < 0.05)',
          source: '[M22]',
          outcome: 'fail',
          numbers: { pHolm: 0.08, p: 0.02, observed: 1.2, layers: L },
          detail: 'smallest Holm-adjusted permutation p over layers',
        },
      ],
    },
  });
}
