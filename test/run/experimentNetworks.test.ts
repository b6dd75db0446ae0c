/**
 * The Transformers of an experiment file ([M23]): `vit` on images, `transformer` on the token
 * sequences of the `afinn-sentiment` data set; built with the grid's width (dim) and depth
 * (blocks), trained, captured (class token per block) and studied by the runner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TopolensError } from '../../src/core/errors.js';
import { initBackend } from '../../src/nn/backend.js';
import { afinnSentimentTask } from '../../src/data/language.js';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import {
  loadExperimentData,
  splitExperimentData,
  tokenVocabularySize,
} from '../../src/run/experimentData.js';
import { buildNetwork, vitPatchSize, type TrainedSpec } from '../../src/run/experimentNetworks.js';
import { planExperiment } from '../../src/run/plan.js';
import { runExperiment } from '../../src/run/runner.js';
import { InProcessExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';

function trained(raw: Record<string, unknown>, data: Record<string, unknown>): TrainedSpec {
  const r = resolveExperiment({ data, networks: [{ train: raw }], studies: [{ study: 'mapper' }] });
  return r.networks[0] as TrainedSpec;
}

let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-transformers-'));
  await initBackend({ backend: 'wasm' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('afinn-sentiment data', () => {
  it('is every AFINN-165 word of nonzero valence as 12 int32 tokens', () => {
    const d = loadExperimentData(
      resolveExperiment({
        data: { dataset: 'afinn-sentiment', size: 5000 },
        networks: [{ train: { architecture: 'transformer' } }],
        studies: [{ study: 'mapper' }],
      }).data!,
    );
    const task = afinnSentimentTask({ maxLength: 12, testFraction: 0 });
    expect(d.inputs.data).toBeInstanceOf(Int32Array);
    expect(d.inputs.shape).toEqual([3380, 12]);
    expect(d.classNames).toEqual(['negative', 'positive']);
    // the counts of docs/datasets.md: 2,204 negative, 1,176 positive
    expect(d.labels.filter((l) => l === 0).length).toBe(2204);
    expect(d.labels.filter((l) => l === 1).length).toBe(1176);
    expect(Array.from(d.inputs.data)).toEqual(Array.from(task.train.tokens));
  });

  it('is sampled and split like every data set, and the vocabulary is the ids in it', () => {
    const spec = resolveExperiment({
      data: { dataset: 'afinn-sentiment', size: 400, testFraction: 0.25 },
      networks: [{ train: { architecture: 'transformer' } }],
      studies: [{ study: 'mapper' }],
    }).data!;
    const split = splitExperimentData(spec);
    expect(split.train.labels.length + split.test.labels.length).toBe(400);
    expect(split.test.labels.length).toBe(100);
    expect(split.train.inputs.data).toBeInstanceOf(Int32Array);
    let max = 0;
    for (const part of [split.train, split.test])
      for (const v of part.inputs.data) max = Math.max(max, v);
    expect(tokenVocabularySize(split)).toBe(max + 1);
    const images = splitExperimentData(
      resolveExperiment({
        data: { dataset: 'mnist', size: 40, flatten: false },
        networks: [{ train: { architecture: 'vit' } }],
        studies: [{ study: 'mapper' }],
      }).data!,
    );
    expect(tokenVocabularySize(images)).toBeUndefined();
  });
});

describe('Transformers in the training grid', () => {
  it('picks the largest patch size <= 7 that divides the image', () => {
    expect(vitPatchSize(28, 28)).toBe(7);
    expect(vitPatchSize(32, 32)).toBe(4);
    expect(vitPatchSize(30, 12)).toBe(6);
    expect(vitPatchSize(13, 13)).toBe(1);
  });

  it('builds a ViT with width = dim and depth = blocks', () => {
    const spec = trained({ architecture: 'vit', width: 8, depth: 3 }, { dataset: 'mnist' });
    expect(spec.name).toBe('vit-w8-d3-s0');
    const model = buildNetwork(spec, [28, 28, 1], 10);
    try {
      const names = model.layers.map((l) => l.name);
      expect(names.filter((n) => /^block\d+$/.test(n))).toEqual(['block1', 'block2', 'block3']);
      // 16 patches of 7 x 7 and the class token, 8 wide
      expect(model.getLayer('block3').outputShape).toEqual([null, 17, 8]);
      expect(model.outputs[0].shape).toEqual([null, 10]);
    } finally {
      model.dispose();
    }
  });

  it('builds a text Transformer over the vocabulary, and refuses images', () => {
    const spec = trained(
      { architecture: 'transformer', width: 8, depth: 2 },
      { dataset: 'afinn-sentiment' },
    );
    const model = buildNetwork(spec, [12], 2, 33);
    try {
      expect(model.getLayer('token_embedding').getWeights()[0].shape).toEqual([33, 8]);
      expect(model.getLayer('block2').outputShape).toEqual([null, 13, 8]);
      expect(model.outputs[0].shape).toEqual([null, 2]);
    } finally {
      model.dispose();
    }
    expect(() => buildNetwork(spec, [28, 28, 1], 10)).toThrow(TopolensError);
    expect(() => buildNetwork(spec, [12], 2)).toThrow(/not tokens/);
  });

  it('trains, captures and profiles a text Transformer end to end', async () => {
    const spec = resolveExperiment({
      data: { dataset: 'afinn-sentiment', size: 200, testFraction: 0.5 },
      networks: [
        { train: { architecture: 'transformer', width: 8, depth: 2, training: { epochs: 1 } } },
      ],
      layers: { select: 'blocks', includeLogits: true },
      studies: [{ study: 'layer-profile', options: { perClass: 20, descriptors: ['h0'] } }],
    });
    const storePath = join(dir, 'text.duckdb');
    const store = await openStore(storePath);
    try {
      const s = await runExperiment(planExperiment(spec, storePath), {
        store,
        executor: new InProcessExecutor(),
      });
      expect(s.failed).toEqual([]);
      const rows = await store.query(
        "select layer from measures where descriptor = 'h0-lifespan-sum' and repeat = -1 and group_name = 'all' order by depth",
      );
      expect(rows.map((r) => r.layer)).toEqual(['block1', 'block2', 'logits']);
    } finally {
      await store.close();
    }
  }, 120_000);
});
