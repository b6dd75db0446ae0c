/**
 * The names of the input formats (docs/io.md), apart from their parsers (./input.ts) so that the
 * CLI's option help can list them without loading the parsers. Names follow Ripser's where they
 * overlap.
 */
export const INPUT_FORMATS = [
  'point-cloud',
  'csv',
  'lower-distance',
  'distance',
  'sparse',
  'npy',
  'npz',
  'safetensors',
  'json',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
