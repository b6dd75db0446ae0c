/**
 * Reading an experiment file (YAML or JSON) and checking it fully before anything is written:
 * the schema (./experimentSchema.ts), then that every file it names exists, that the data loads,
 * and that every layer it names exists in its network (each trained network is built, each
 * model file loaded, and an unknown name is refused with the valid ones listed). Paths in the
 * file are relative to the file's folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TopolensError } from '../core/errors.js';
import { initBackend } from '../nn/backend.js';
import { splitExperimentData, tokenVocabularySize } from './experimentData.js';
import { buildNetwork, disposeModel, loadModelFile } from './experimentNetworks.js';
import { checkLayerSelection, readActivationDump } from './captureClouds.js';
import { resolveExperiment, type ResolvedExperiment } from './experimentSchema.js';

/** Parses YAML or JSON text (by extension; YAML otherwise, which also reads JSON). */
export function parseExperimentText(text: string, file: string): unknown {
  try {
    return file.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `${file} is not valid ${file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
      'fix the syntax (docs/experiments.md shows a complete file)',
    );
  }
}

/** `spec` with every file path made absolute against `baseDir`. */
export function absolutePaths(spec: ResolvedExperiment, baseDir: string): ResolvedExperiment {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...spec,
    ...(spec.data
      ? {
          data: {
            ...spec.data,
            ...(spec.data.inputs ? { inputs: abs(spec.data.inputs) } : {}),
            ...(spec.data.labels ? { labels: abs(spec.data.labels) } : {}),
          },
        }
      : {}),
    networks: spec.networks.map((n) =>
      n.source === 'model'
        ? { ...n, path: abs(n.path) }
        : n.source === 'activations'
          ? {
              ...n,
              layers: n.layers.map((l) => ({ ...l, path: abs(l.path) })),
              ...(n.labels ? { labels: abs(n.labels) } : {}),
            }
          : n,
    ),
    store: { path: spec.storeFromDefault ? resolve(spec.store.path) : abs(spec.store.path) },
  };
}

/** Reads, validates and resolves an experiment file (schema only; see checkExperimentInputs). */
export function readExperimentFile(path: string): ResolvedExperiment {
  if (!existsSync(path)) {
    throw new TopolensError(
      'missing-file',
      `the experiment file ${path} does not exist`,
      'check the path',
    );
  }
  if (statSync(path).isDirectory()) {
    throw new TopolensError(
      'invalid-input',
      `${path} is a folder, not an experiment file`,
      'pass a .yaml or .json file',
    );
  }
  const raw = parseExperimentText(readFileSync(path, 'utf8'), path);
  return absolutePaths(resolveExperiment(raw, path), dirname(resolve(path)));
}

function mustExist(path: string, field: string, file: string): void {
  if (!existsSync(path)) {
    throw new TopolensError(
      'missing-file',
      `${file}: ${field}: the file ${path} does not exist`,
      "check the path (relative paths start at the experiment file's folder)",
    );
  }
}

/**
 * Checks what the schema cannot: referenced files exist, the data loads, and the chosen layers
 * exist in every network. Throws a TopolensError naming the field; writes nothing.
 */
export async function checkExperimentInputs(spec: ResolvedExperiment, file: string): Promise<void> {
  if (spec.data?.inputs) mustExist(spec.data.inputs, 'data.inputs', file);
  if (spec.data?.labels) mustExist(spec.data.labels, 'data.labels', file);
  spec.networks.forEach((n, i) => {
    if (n.source === 'model') mustExist(n.path, `networks[${i}].model`, file);
    if (n.source === 'activations') {
      n.layers.forEach((l, j) =>
        mustExist(l.path, `networks[${i}].activations.layers[${j}].path`, file),
      );
      if (n.labels) mustExist(n.labels, `networks[${i}].activations.labels`, file);
    }
  });
  const split = spec.data ? splitExperimentData(spec.data) : undefined;
  if (split && split.train.labels.length === 0) {
    throw new TopolensError(
      'invalid-input',
      `${file}: data: no training inputs are left after the test split`,
      'raise data.size or lower data.testFraction',
    );
  }
  const where = (i: number, name: string) => `${file}: layers (network ${i}, '${name}')`;
  const checked = new Set<string>();
  for (const [i, n] of spec.networks.entries()) {
    if (n.source === 'activations') {
      checkLayerSelection(readActivationDump(n.layers).dump, spec.layers, where(i, n.name));
      continue;
    }
    await initBackend({ backend: 'wasm' });
    if (n.source === 'trained') {
      // the layer names depend on the architecture and widths only: build each shape once
      const shape = `${n.architecture}/${n.widths.join(',')}`;
      if (checked.has(shape)) continue;
      checked.add(shape);
      const model = buildNetwork(
        n,
        split!.train.inputs.shape.slice(1),
        split!.train.classNames.length,
        tokenVocabularySize(split!),
      );
      try {
        checkLayerSelection(model, spec.layers, where(i, n.name));
      } finally {
        model.dispose();
      }
    } else {
      const model = await loadModelFile(n.path);
      try {
        checkLayerSelection(model.model, spec.layers, where(i, n.name));
      } finally {
        disposeModel(model);
      }
    }
  }
}
