import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TopolensError } from '../../src/core/errors.js';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { reportError } from '../../src/cli/output.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';

const minimal = {
  data: { dataset: 'spirals', size: 100 },
  networks: [{ train: { width: 4, depth: 2, training: { epochs: 1 } } }],
  studies: [{ study: 'layer-profile' }],
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TopolensError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('resolveExperiment', () => {
  it('takes training.threads only when given (1 is the default, left out of the spec)', () => {
    const withThreads = (threads: unknown) =>
      resolveExperiment(
        { ...minimal, networks: [{ train: { width: 4, depth: 2, training: { threads } } }] },
        'x.yaml',
      );
    const n = withThreads(2).networks[0];
    expect(n.source === 'trained' && n.training.threads).toBe(2);
    const plain = resolveExperiment(minimal, 'x.yaml').networks[0];
    expect(plain.source === 'trained' && 'threads' in plain.training).toBe(false);
    for (const bad of [0, -1, 1.5]) expect(message(() => withThreads(bad))).toMatch(/threads/);
  });

  it('fills every default and expands the grid', () => {
    const r = resolveExperiment(
      {
        ...minimal,
        networks: [{ train: { width: [4, 8], depth: 2, seed: [0, 1, 2] } }],
      },
      'x.yaml',
    );
    expect(r.name).toBe('x');
    expect(r.networks.map((n) => n.name)).toEqual([
      'dense-w4-d2-s0',
      'dense-w4-d2-s1',
      'dense-w4-d2-s2',
      'dense-w8-d2-s0',
      'dense-w8-d2-s1',
      'dense-w8-d2-s2',
    ]);
    const n = r.networks[0];
    expect(n.source === 'trained' && n.training).toEqual({
      epochs: 50,
      batchSize: 32,
      learningRate: 1e-3,
      optimizer: 'rmsprop',
      validationSplit: 0.2,
    });
    expect(r.data).toMatchObject({
      dataset: 'spirals',
      size: 100,
      seed: 0,
      noise: 0,
      testFraction: 0.25,
    });
    expect(r.layers).toEqual({
      select: 'blocks',
      includeInput: false,
      includeLogits: false,
      strategy: 'auto',
      batchSize: 128,
      scale: false,
    });
    expect(r.sampling).toEqual({ split: 'test', seed: 0 });
    expect(r.studies[0]).toMatchObject({ study: 'layer-profile', name: 'layer-profile' });
    expect(r.studies[0].options).toMatchObject({ perClass: 250, batches: 1, half: true });
  });

  it('expands the Ricci variants with their [B24] widths', () => {
    const r = resolveExperiment(
      {
        ...minimal,
        networks: [{ train: { architecture: 'ricci', variant: ['wide', 'bottleneck'], depth: 5 } }],
      },
      'r.yaml',
    );
    expect(r.networks.map((n) => (n.source === 'trained' ? n.widths : []))).toEqual([
      [50, 50, 50, 50, 50],
      [50, 25, 25, 25, 50],
    ]);
  });

  it('refuses an unknown key and lists the allowed ones', () => {
    const m = message(() => resolveExperiment({ ...minimal, datta: {} }, 'bad.yaml'));
    expect(m).toContain('bad.yaml');
    expect(m).toContain("unknown key 'datta' at the top level");
    expect(m).toContain(
      'allowed keys: name, description, data, networks, layers, sampling, studies, store',
    );
    const m2 = message(() =>
      resolveExperiment({ ...minimal, networks: [{ train: { widht: 3 } }] }, 'bad.yaml'),
    );
    expect(m2).toContain("unknown key 'widht' in networks[0].train");
    expect(m2).toContain('allowed keys: architecture, width, depth');
  });

  it('names the field, the value and what is allowed for a wrong type or value', () => {
    const m = message(() =>
      resolveExperiment({ ...minimal, data: { dataset: 'spirals', size: 'many' } }, 'f.yaml'),
    );
    expect(m).toContain('data.size: expected number, got string "many"');
    const m2 = message(() =>
      resolveExperiment({ ...minimal, data: { dataset: 'cifar' } }, 'f.yaml'),
    );
    expect(m2).toContain('data.dataset: got string "cifar"; allowed: "spirals"');
    expect(m2).toContain('"mnist"');
    const m3 = message(() =>
      resolveExperiment({ ...minimal, networks: [{ train: { width: 'wide' } }] }, 'f.yaml'),
    );
    expect(m3).toContain(
      'networks[0].train.width: got string "wide"; expected a positive integer or a non-empty list of them',
    );
  });

  it('refuses an unknown study with the valid names', () => {
    const m = message(() =>
      resolveExperiment({ ...minimal, studies: [{ study: 'vibes' }] }, 'f.yaml'),
    );
    expect(m).toContain('studies[0].study: got string "vibes"; allowed: "layer-profile"');
  });

  it("checks a study's options with its own schema", () => {
    const m = message(() =>
      resolveExperiment(
        { ...minimal, studies: [{ study: 'layer-profile', options: { perclass: 3 } }] },
        'f.yaml',
      ),
    );
    expect(m).toContain("unknown key 'perclass' in studies[0].options");
    expect(m).toContain('perClass');
  });

  it('asks for one kind per network entry and unique names', () => {
    expect(message(() => resolveExperiment({ ...minimal, networks: [{}] }, 'f.yaml'))).toContain(
      'networks[0] must have exactly one of the keys train, model, activations',
    );
    expect(
      message(() =>
        resolveExperiment(
          { ...minimal, networks: [{ train: { name: 'a' } }, { train: { name: 'a' } }] },
          'f.yaml',
        ),
      ),
    ).toContain("two networks are named 'a-w16-d3-s0'");
  });
});

describe('topolens run with a bad experiment file', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'topolens-runspec-'));
    writeFileSync(join(dir, 'x.npy'), encodeNpyFloat32(new Float32Array(20), [10, 2]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string, string][] = [
    [
      'unknown key',
      `data: {dataset: spirals}\nnetworks: [{train: {}}]\nstudies: [{study: layer-profile}]\nextra: 1\n`,
      "unknown key 'extra'",
    ],
    [
      'wrong type',
      `data: {dataset: spirals, size: -3}\nnetworks: [{train: {}}]\nstudies: [{study: layer-profile}]\n`,
      'data.size: got number -3',
    ],
    [
      'missing file',
      `data: {dataset: arrays, inputs: x.npy}\nnetworks: [{model: nothere/model.json}]\nstudies: [{study: layer-profile}]\n`,
      'networks[0].model: the file',
    ],
    [
      'missing data file',
      `data: {dataset: arrays, inputs: nope.npy}\nnetworks: [{train: {}}]\nstudies: [{study: layer-profile}]\n`,
      'data.inputs: the file',
    ],
    [
      'unknown layer',
      `data: {dataset: spirals, size: 40}\nnetworks: [{train: {depth: 2}}]\nlayers: {select: [block1, block9]}\nstudies: [{study: layer-profile}]\n`,
      "has no layer named 'block9'",
    ],
    [
      'unknown study',
      `data: {dataset: spirals}\nnetworks: [{train: {}}]\nstudies: [{study: telepathy}]\n`,
      'studies[0].study: got string "telepathy"',
    ],
    ['bad YAML', `data: {dataset: spirals\n`, 'is not valid YAML'],
  ];
  for (const [what, text, expected] of cases) {
    it(`${what}: one clear message, exit code 2, no store written`, async () => {
      const file = join(dir, `${what.replace(/ /g, '-')}.yaml`);
      writeFileSync(file, text);
      const store = join(dir, `${what.replace(/ /g, '-')}.duckdb`);
      let err: unknown;
      try {
        await runCommand(file, { store, workers: '0', json: true });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TopolensError);
      expect((err as Error).message).toContain(expected);
      const write = process.stderr.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        expect(reportError(err)).toBe(2);
      } finally {
        process.stderr.write = write;
      }
      expect(existsSync(store)).toBe(false);
      expect(existsSync(`${store}.models`)).toBe(false);
    });
  }

  it('lists the valid layers when one is unknown', async () => {
    const file = join(dir, 'layers.yaml');
    writeFileSync(file, cases[4][1]);
    await expect(runCommand(file, { store: join(dir, 's.duckdb'), workers: '0' })).rejects.toThrow(
      'valid layers: block1, block2, logits, output',
    );
  });
});
