/**
 * Limits on compressed input (docs/io.md, "Compressed input"): a small compressed file can
 * declare or inflate to gigabytes (a 2.9 MB .npz holding 3 GB of zeros), so every decompressing
 * reader checks the size it would produce against a limit before it allocates, and stops an
 * inflation that runs past it.
 */
import { gunzipSync } from 'fflate';
import { TopolensError } from '../core/errors.js';

/** Default limit on the bytes one compressed input may inflate to: 2 GiB. */
export const DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 ** 3;

/** Default limit on the pixels of one decoded image: 100 megapixels (jpeg-js' own default). */
export const DEFAULT_MAX_IMAGE_PIXELS = 100e6;

export interface InflateLimitOptions {
  /** Refuse input that inflates to more bytes than this. Default DEFAULT_MAX_INFLATED_BYTES. */
  maxInflatedBytes?: number;
}

export function resolveInflateLimit(options: InflateLimitOptions = {}): number {
  const limit = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  if (!(limit > 0)) {
    throw new TopolensError(
      'invalid-option',
      `maxInflatedBytes must be a positive number of bytes, got ${limit}.`,
    );
  }
  return limit;
}

/** Bytes for a person: 3.00 GiB, 512.0 MiB, 12 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/** How the size is known: declared by a header (of one or several members), or seen inflating. */
export type InflatedSizeSource = 'declares' | 'declare' | 'inflates to more than';

/** The refusal: what inflates to how much, the limit, and the ways out. */
export function tooLargeInflated(
  what: string,
  bytes: number,
  limit: number,
  source: InflatedSizeSource,
): TopolensError {
  return new TopolensError(
    'too-large',
    `${what} ${source} ${formatBytes(bytes)} once decompressed, above the limit of ${formatBytes(limit)} for compressed input.`,
    'If the data are genuine, save them uncompressed (numpy.save or numpy.savez rather than savez_compressed; plain IDX rather than .gz), which is read without inflating, or subsample them first.',
  );
}

/**
 * Inflates gzip data within `limit` bytes. The gzip trailer declares the size (modulo 4 GiB):
 * a declared size above the limit is refused before anything is allocated; the data are then
 * inflated into a buffer one byte longer than declared, so that data longer than their claim
 * (over 4 GiB, or forged) are caught without ever holding more than the claim.
 */
export function gunzipBounded(bytes: Uint8Array, limit: number, what: string): Uint8Array {
  if (bytes.length < 18) throw new Error('invalid gzip data (too short)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getUint32(bytes.length - 4, true);
  if (declared > limit) throw tooLargeInflated(what, declared, limit, 'declares');
  const out = gunzipSync(bytes, { out: new Uint8Array(declared + 1) });
  if (out.length > declared) {
    throw new TopolensError(
      'too-large',
      `${what} inflates to more than the ${formatBytes(declared)} its gzip trailer declares: it is either over 4 GiB (the trailer counts modulo 4 GiB), above the limit of ${formatBytes(limit)} for compressed input, or corrupt.`,
      'If the data are genuine, store them uncompressed (plain IDX), which is read without inflating.',
    );
  }
  return out;
}
