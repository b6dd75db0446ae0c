/**
 * `topolens profile`: the layer profile of a model file on given inputs, through the runner and
 * the store, equals the same analysis written directly against the library (layerClouds, then
 * layerProfile with its defaults); a second call finds the work done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/nn/backend.js';
import { denseNetwork } from '../../src/nn/architectures/index.js';
import { saveModel } from '../../src/nn/modelIO.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';
import { layerClouds } from '../../src/nn/layerClouds.js';
import { layerProfile } from '../../src/study/layerProfile.js';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { profileCommand, profileTable } from '../../src/cli/commands/profile.js';
import { openStore } from '../../src/run/store.js';
import type * as tf from '@tensorflow/tfjs';

let dir = '';
let model: tf.LayersModel;
const data = syntheticDataset('entangled-spirals-3d', { n: 160, seed: 3, noise: 0.05 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-profile-'));
  await initBackend({ backend: 'wasm' });
  model = denseNetwork({ inputDim: 3, widths: [8, 6], seed: 5 });
  const saved = await saveModel(model);
  mkdirSync(join(dir, 'net'));
  writeFileSync(join(dir, 'net', 'model.json'), saved.modelJson);
  writeFileSync(join(dir, 'net', 'weights.bin'), saved.weights);
  writeFileSync(
    join(dir, 'x.npy'),
    encodeNpyFloat32(Float32Array.from(data.inputs.data), data.inputs.shape),
  );
  writeFileSync(join(dir, 'y.npy'), encodeNpyFloat32(Float32Array.from(data.labels), [160]));
});
afterAll(() => {
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function quietly<T>(f: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  return f().finally(() => (process.stdout.write = write));
}

describe('topolens profile', () => {
  it('equals layerClouds + layerProfile written directly, and is found done the second time', async () => {
    const store = join(dir, 'results.duckdb');
    const options = { inputs: join(dir, 'x.npy'), labels: join(dir, 'y.npy'), store, json: true };
    const viaRunner = await quietly(() => profileCommand(join(dir, 'net', 'model.json'), options));

    const clouds = await layerClouds(model, { inputs: data.inputs, labels: data.labels }, {});
    const direct = layerProfile({ network: 'net', layers: clouds });
    // the stored record adds the claims the runner judges from it (src/run/studies/claims.ts)
    const { claims, ...profile } = viaRunner as typeof viaRunner & { claims?: unknown[] };
    expect(profile).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(claims?.length).toBeGreaterThan(0);
    expect(viaRunner.layers.map((l) => l.name)).toEqual(['block1', 'block2']);

    const again = await quietly(() => profileCommand(join(dir, 'net', 'model.json'), options));
    expect(again).toEqual(viaRunner);
    const s = await openStore(store, { readOnly: true });
    try {
      const jobs = await s.query('select count(*)::INTEGER as n from jobs');
      expect(jobs[0].n).toBe(2); // capture + layer profile, stored once
      const runs = await s.query("select count(*)::INTEGER as n from runs where status = 'done'");
      expect(runs[0].n).toBe(2);
    } finally {
      await s.close();
    }
    expect(profileTable(viaRunner)).toContain('block2');
  });

  it('refuses an unknown layer with the valid ones listed', async () => {
    await expect(
      profileCommand(join(dir, 'net', 'model.json'), {
        inputs: join(dir, 'x.npy'),
        layers: 'block7',
        store: join(dir, 'other.duckdb'),
        json: true,
      }),
    ).rejects.toThrow(/no layer named 'block7'[\s\S]*valid layers: block1, block2, logits, output/);
  });
});
