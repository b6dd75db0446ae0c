/**
 * Which layers of a network an experiment captures (`layers.select`): the built-in
 * architectures' block outputs ('blocks'), every layer ('all'), or a list of names, checked
 * against the network's own names (an unknown name is refused with the valid ones listed).
 * `includeOutput` adds the output layer; the input, when included, is layer 0 and is not a
 * layer of the network.
 */
import { invalidInput } from '../core/errors.js';
import type { LayersSpec } from './experimentSchema.js';

export interface NetworkLayerNames {
  /** Every layer (tfjs) or tensor (ONNX) or dumped layer name, in order. */
  all: string[];
  /** The block outputs (`block1`, `block2`, ...), empty when the network has none. */
  blocks: string[];
  /** The output layer's name. */
  output?: string;
}

/** The layer names to capture, in network order for 'blocks' and 'all', as listed otherwise. */
export function selectLayers(
  names: NetworkLayerNames,
  spec: LayersSpec,
  network: string,
  where = 'layers.select',
): string[] {
  let chosen: string[];
  if (spec.select === 'all') chosen = names.all.filter((n) => n !== names.output);
  else if (spec.select === 'blocks') {
    if (names.blocks.length === 0) {
      throw invalidInput(
        `network '${network}' has no block layers (block1, block2, ...) for ${where}: 'blocks'`,
        `name its layers instead; valid layers: ${names.all.join(', ')}`,
      );
    }
    chosen = names.blocks;
  } else {
    const known = new Set(names.all);
    const unknown = spec.select.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw invalidInput(
        `${where}: network '${network}' has no layer named ${unknown.map((n) => `'${n}'`).join(', ')}`,
        `valid layers: ${names.all.join(', ')}`,
      );
    }
    chosen = [...spec.select];
  }
  if (spec.includeOutput && names.output && !chosen.includes(names.output)) chosen.push(names.output);
  if (chosen.length === 0) {
    throw invalidInput(`no layers selected for network '${network}'`, `valid layers: ${names.all.join(', ')}`);
  }
  return chosen;
}
