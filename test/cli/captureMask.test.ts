/**
 * `topolens capture --strategy mask-weighted` with a mask count that differs from the inputs:
 * the missing masks used to read as zero masks (the result then equals plain average pooling)
 * and the command exited 0. Now it is refused before the capture, and nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../src/cli/commands/capture.js';
import { createRng } from '../../src/core/rng.js';
import { parseNpy } from '../../src/data/npy.js';
import { vggNetwork } from '../../src/nn/architectures/index.js';
import { initBackend } from '../../src/nn/backend.js';
import { saveModel } from '../../src/nn/modelIO.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-mask-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rng = createRng(3);
const inputs = 6;
const base = {
  layers: 'block1',
  batchSize: '4',
  seed: '0',
  cap: '10000',
  layout: 'NCHW',
  backend: 'wasm',
};

/** `count` masks of 8 x 8 with weight only on the top-left quarter */
function masks(count: number): string {
  const m = new Float32Array(count * 64);
  for (let i = 0; i < count; i++)
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) m[i * 64 + y * 8 + x] = 1;
  const path = join(dir, `masks${count}.npy`);
  writeFileSync(path, encodeNpyFloat32(m, [count, 8, 8]));
  return path;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const m = vggNetwork({ inputShape: [8, 8, 1], widths: [3, 5], classes: 2, seed: 4 });
  const saved = await saveModel(m);
  writeFileSync(join(dir, 'model.json'), saved.modelJson);
  writeFileSync(join(dir, 'weights.bin'), saved.weights);
  m.dispose();
  const x = Float32Array.from({ length: inputs * 64 }, () => rng.next());
  writeFileSync(join(dir, 'x.npy'), encodeNpyFloat32(x, [inputs, 8, 8, 1]));
});

describe('capture --strategy mask-weighted', () => {
  const model = (): string => join(dir, 'model.json');

  it('refuses fewer masks than inputs, and more, writing nothing', async () => {
    for (const count of [4, 7]) {
      const out = join(dir, `out${count}`);
      await expect(
        runCapture(
          model(),
          {
            ...base,
            strategy: 'mask-weighted',
            mask: masks(count),
            inputs: join(dir, 'x.npy'),
            out,
          },
          false,
        ),
      ).rejects.toThrow(
        new RegExp(
          `--mask .*masks${count}\\.npy holds ${count} masks but --inputs .*x\\.npy holds 6 inputs; mask-weighted needs one mask per input`,
        ),
      );
      expect(existsSync(out)).toBe(false);
    }
  });

  it('with one mask per input, weights the positions (differs from average pooling)', async () => {
    const common = { ...base, inputs: join(dir, 'x.npy') };
    await runCapture(
      model(),
      { ...common, strategy: 'mask-weighted', mask: masks(inputs), out: join(dir, 'mw') },
      false,
    );
    await runCapture(model(), { ...common, strategy: 'gap', out: join(dir, 'gap') }, false);
    const weighted = parseNpy(readFileSync(join(dir, 'mw', 'block1.npy')));
    const gap = parseNpy(readFileSync(join(dir, 'gap', 'block1.npy')));
    expect(weighted.shape).toEqual([inputs, 3]);
    let diff = 0;
    for (let k = 0; k < gap.data.length; k++) diff += Math.abs(weighted.data[k] - gap.data[k]);
    expect(diff).toBeGreaterThan(1e-3);
  });
});
