/**
 * NumPy `.npz` reader: a zip archive (stored or deflated, as written by numpy.savez and
 * numpy.savez_compressed) of `.npy` members. Arrays are returned by name, without `.npy`.
 *
 * Deflated members are inflated into a buffer of the size their zip entry declares, so the
 * declared sizes (zip64 included) are checked against `maxInflatedBytes` first (docs/io.md,
 * "Compressed input"): a member that claims more, or members that together claim more, are
 * refused before anything is allocated; one that inflates to more than it claims is cut at its
 * claim (and then fails the .npy size check).
 */
import { unzipSync } from 'fflate';
import { TopolensError, invalidInput } from '../core/errors.js';
import { resolveInflateLimit, tooLargeInflated, type InflateLimitOptions } from './inflateLimit.js';
import { parseNpy } from './npy.js';
import type { NdArray } from './ndarray.js';

/** Every array of an .npz file, by name (numpy.savez's keyword, or arr_0, arr_1, ...). */
export function parseNpz(
  bytes: Uint8Array,
  name = 'the .npz file',
  options: InflateLimitOptions = {},
): Map<string, NdArray> {
  const limit = resolveInflateLimit(options);
  if (!(bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    throw invalidInput(
      `${name} is not an .npz file (not a zip archive).`,
      'Save arrays with numpy.savez or numpy.savez_compressed.',
    );
  }
  let files: Record<string, Uint8Array>;
  let declared = 0;
  try {
    files = unzipSync(bytes, {
      filter: (member) => {
        if (member.compression === 0) return true; // stored: its bytes are in the file
        declared += member.originalSize;
        if (member.originalSize > limit)
          throw tooLargeInflated(
            `${name}: member '${member.name}'`,
            member.originalSize,
            limit,
            'declares',
          );
        if (declared > limit)
          throw tooLargeInflated(`${name}: its compressed members`, declared, limit, 'declare');
        return true;
      },
    });
  } catch (err) {
    if (err instanceof TopolensError) throw err;
    throw invalidInput(`${name}: cannot read the zip archive (${(err as Error).message}).`);
  }
  const out = new Map<string, NdArray>();
  for (const [member, content] of Object.entries(files)) {
    if (member.endsWith('/')) continue;
    const arrayName = member.replace(/\.npy$/, '');
    out.set(arrayName, parseNpy(content, `array '${arrayName}' of ${name}`));
  }
  if (out.size === 0) throw invalidInput(`${name} holds no arrays.`);
  return out;
}

/**
 * Picks one array: the one named `arrayName`, or the only one. Several arrays and no name is an
 * error listing the names.
 */
export function pickArray(
  arrays: Map<string, NdArray>,
  arrayName?: string,
  name = 'the .npz file',
): NdArray {
  const names = [...arrays.keys()];
  if (arrayName !== undefined) {
    const a = arrays.get(arrayName);
    if (!a) {
      throw invalidInput(
        `${name} has no array named '${arrayName}'; it holds: ${names.join(', ')}.`,
        'Pass one of these names with --array.',
      );
    }
    return a;
  }
  if (arrays.size === 1) return arrays.values().next().value as NdArray;
  throw invalidInput(
    `${name} holds ${arrays.size} arrays (${names.join(', ')}); say which one to use.`,
    'Pass its name with --array (library: the `array` option).',
  );
}
