/**
 * Limits on compressed input (docs/io.md, "Compressed input"): a small compressed file can
 * declare or inflate to gigabytes (a 2.9 MB .npz holding 3 GB of zeros), so every decompressing
 * reader checks the size it would produce against a limit before it allocates, and stops an
 * inflation that runs past it.
 */
import { Gunzip } from 'fflate';
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

/** The refusal: what inflates to how much, the limit, and the ways out. */
export function tooLargeInflated(what: string, bytes: number, limit: number, declared: boolean) {
  return new TopolensError(
    'too-large',
    `${what} ${declared ? 'declares' : 'inflates to more than'} ${formatBytes(bytes)} once decompressed, above the limit of ${formatBytes(limit)} for compressed input.`,
    'If the data are genuine, save them uncompressed (numpy.save or numpy.savez rather than savez_compressed; plain IDX rather than .gz), which is read without inflating, or subsample them first.',
  );
}

/** Compressed bytes fed to the inflater per step: each step inflates to at most ~1032x this. */
const STEP = 16 * 1024;

/**
 * Inflates gzip data, refusing (TopolensError 'too-large') once the output passes `limit` bytes:
 * the memory used stays within the limit plus one step, whatever the data claim.
 */
export function gunzipBounded(bytes: Uint8Array, limit: number, what: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const gunzip = new Gunzip((chunk) => {
    total += chunk.length;
    if (total > limit) throw tooLargeInflated(what, total, limit, false);
    chunks.push(chunk);
  });
  for (let at = 0; at < bytes.length; at += STEP) {
    const end = Math.min(bytes.length, at + STEP);
    gunzip.push(bytes.subarray(at, end), end === bytes.length);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
