/** Built-in architectures; every block output is a layer named `block1`, `block2`, .... */
export * from './dense.js';
export * from './cnn.js';
export * from './transformer.js';
export {
  ClassToken,
  MultiHeadSelfAttention,
  PositionEmbedding,
  SelectToken,
} from './transformerLayers.js';

/** Names of the block-output layers of a built model, in order (`block1`, `block2`, ...). */
export function blockNames(model: { layers: Array<{ name: string }> }): string[] {
  return model.layers
    .map((l) => l.name)
    .filter((n) => /^block\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
}
