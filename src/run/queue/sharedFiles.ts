/**
 * The file that every unit of a sweep ships alike, sent through Redis once (docs/sweeps.md, "What
 * a unit sends back"). A network unit returns its model, cloud and study-part folders to the
 * coordinator; one of those files, the input layer's cloud (`includeInput`), does not depend on
 * the network: it is the same bytes for every network of the sweep (the same data, sampling and
 * seed), and by far the largest at high input dimension (1,000 Fashion-MNIST images: 3.1 MB, 4.2
 * MB as base64, three quarters of a unit's result). So the worker puts the input cloud, when it
 * has at least `minBytes`, under a content-addressed key (`fileKey`: the SHA-256 of its bytes;
 * written once per sweep, `SET NX`, deflated) and the result names it by its hash; the
 * coordinator fetches a hash it has not seen, checks the bytes against it, and keeps it
 * (`SharedFileCache`) for the next unit that names it. What the coordinator hands on
 * (`JobOutcome.files`) is byte for byte what the unit returned, so the store and the files beside
 * it do not change. The network's own files stay inline, whatever their size: each is sent once
 * anyway, and a key of its own would only add round trips.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { JobOutcome } from '../executor.js';
import type { ShippedFolder } from '../runJob.js';
import { fileKey } from './connection.js';

/** The input cloud goes by content hash from this size (64 KiB): below it, it costs less to send
 * inline than the round trip that renews its key. */
export const SHARE_FILES_FROM_BYTES = 64 * 1024;

/** A shipped folder as it travels: its files inline (base64), the input cloud by SHA-256. */
export interface WireFolder extends ShippedFolder {
  /** file name -> SHA-256 (hex) of its bytes, stored under `fileKey(queue, hash)` */
  shared?: Record<string, string>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const HEX64 = /^[0-9a-f]{64}$/;

/** Bytes a base64 text decodes to (no padding check: the texts come from Buffer). */
const decodedLength = (b64: string) =>
  (b64.length * 3) / 4 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);

/** The files of a shipped clouds folder that hold the input layer's cloud (the layer that
 * `includeInput` adds first, named 'input'), from its meta.json; none for other folders. */
export function inputCloudFiles(folder: ShippedFolder): Set<string> {
  const meta = folder.files['meta.json'];
  if (meta === undefined) return new Set();
  let layers: unknown;
  try {
    layers = (JSON.parse(Buffer.from(meta, 'base64').toString('utf8')) as { layers?: unknown })
      .layers;
  } catch {
    return new Set(); // not a clouds folder's meta.json: nothing to share
  }
  if (!Array.isArray(layers)) return new Set();
  return new Set(
    layers
      .filter(
        (l: { name?: unknown; index?: unknown; file?: unknown }) =>
          l?.name === 'input' && l.index === 0 && typeof l.file === 'string',
      )
      .map((l: { file: string }) => l.file),
  );
}

/**
 * On the worker: the outcome with the input layer's cloud, if it has at least `minBytes`, moved
 * to its content key (stored if no unit stored it yet; its expiry renewed if one did) and named by
 * hash. Returns the outcome to send and how many files went by hash.
 */
export async function shareFiles(
  outcome: JobOutcome,
  redis: Redis,
  queue: string,
  keepSeconds: number,
  minBytes = SHARE_FILES_FROM_BYTES,
): Promise<{ outcome: JobOutcome; shared: number }> {
  if (!outcome.files?.length) return { outcome, shared: 0 };
  const bytesOf = new Map<string, Buffer>(); // hash -> bytes
  let shared = 0;
  const files: WireFolder[] = outcome.files.map((f) => {
    const inline: Record<string, string> = {};
    const byHash: Record<string, string> = {};
    const input = inputCloudFiles(f);
    for (const [name, b64] of Object.entries(f.files)) {
      if (!input.has(name) || decodedLength(b64) < minBytes) {
        inline[name] = b64;
        continue;
      }
      const bytes = Buffer.from(b64, 'base64');
      const hash = sha256(bytes);
      bytesOf.set(hash, bytes);
      byHash[name] = hash;
      shared++;
    }
    return Object.keys(byHash).length === 0 ? f : { dir: f.dir, files: inline, shared: byHash };
  });
  if (bytesOf.size === 0) return { outcome, shared: 0 };
  const hashes = [...bytesOf.keys()];
  // one round trip to renew the keys that exist, one to store the others
  const renewed = await redis
    .pipeline(hashes.map((h) => ['expire', fileKey(queue, h), keepSeconds]))
    .exec();
  const missing = hashes.filter((_, i) => renewed?.[i]?.[1] !== 1);
  if (missing.length > 0) {
    const stored = await redis
      .pipeline(
        missing.map((h) => [
          'set',
          fileKey(queue, h),
          deflateRawSync(bytesOf.get(h)!, { level: 1 }),
          'EX',
          keepSeconds,
          'NX',
        ]),
      )
      .exec();
    const failed = stored?.find(([err]) => err);
    if (failed) throw failed[0]!;
  }
  return { outcome: { ...outcome, files }, shared };
}

/**
 * On the coordinator: the files named by hash in the results, fetched once each and kept (as the
 * base64 text the outcome carries) up to `maxChars` in all, least recently used dropped first;
 * the input cloud that every unit names stays.
 */
export class SharedFileCache {
  private readonly texts = new Map<string, string>();
  private chars = 0;
  /** Files resolved and bytes fetched from Redis (deflated), since the cache was made. */
  resolved = 0;
  fetchedBytes = 0;

  private readonly pending = new Map<
    string,
    Promise<{ text: string; bytes: number } | undefined>
  >();

  constructor(private readonly maxChars = 256 * 1024 * 1024) {}

  /** The file `hash` from Redis as base64, kept; undefined when Redis no longer has it. */
  private async fetch(
    hash: string,
    redis: Redis,
    queue: string,
  ): Promise<{ text: string; bytes: number } | undefined> {
    const stored = await redis.getBuffer(fileKey(queue, hash));
    if (!stored) return undefined;
    const raw = inflateRawSync(stored);
    if (sha256(raw) !== hash)
      throw new Error(`the shared file ${hash} in Redis does not match its hash`);
    const text = raw.toString('base64');
    this.keep(hash, text);
    return { text, bytes: stored.length };
  }

  private keep(hash: string, text: string): void {
    this.texts.set(hash, text);
    this.chars += text.length;
    for (const [h, t] of this.texts) {
      if (this.chars <= this.maxChars || h === hash) break;
      this.texts.delete(h);
      this.chars -= t.length;
    }
  }

  /**
   * `outcome` with its folders' files by hash replaced by their content; `undefined` when a file
   * is no longer in Redis (expired or deleted: the job is run again). Throws when a file's bytes
   * do not match its hash.
   */
  async resolve(
    outcome: JobOutcome,
    redis: Redis,
    queue: string,
  ): Promise<{ outcome: JobOutcome; shared: number; fetchedBytes: number } | undefined> {
    const folders = (outcome.files ?? []) as WireFolder[];
    const wanted = new Set<string>();
    for (const f of folders)
      for (const [name, h] of Object.entries(f.shared ?? {})) {
        if (typeof h !== 'string' || !HEX64.test(h))
          throw new Error(`the file '${name}' of ${f.dir} is named by '${String(h)}', not a hash`);
        wanted.add(h);
      }
    if (wanted.size === 0) return { outcome, shared: 0, fetchedBytes: 0 };
    const texts = new Map<string, string>(); // this outcome's files by hash
    let fetchedBytes = 0;
    const got = await Promise.all(
      [...wanted].map(async (h) => {
        const kept = this.texts.get(h);
        if (kept !== undefined) {
          this.texts.delete(h); // most recently used last
          this.texts.set(h, kept);
          return [h, kept] as const;
        }
        // two results that name a file not fetched yet wait on one fetch
        let fetching = this.pending.get(h);
        if (!fetching) {
          fetching = this.fetch(h, redis, queue).finally(() => this.pending.delete(h));
          this.pending.set(h, fetching);
          const one = await fetching;
          if (one) fetchedBytes += one.bytes;
          return [h, one?.text] as const;
        }
        return [h, (await fetching)?.text] as const;
      }),
    );
    for (const [h, text] of got) {
      if (text === undefined) return undefined;
      texts.set(h, text);
    }
    let shared = 0;
    const files: ShippedFolder[] = folders.map((f) => {
      if (!f.shared) return f;
      const all: Record<string, string> = { ...f.files };
      for (const [name, h] of Object.entries(f.shared)) {
        all[name] = texts.get(h)!;
        shared++;
      }
      // the folder's files in the order the unit listed them (sorted names)
      const sorted = Object.fromEntries(
        Object.keys(all)
          .sort()
          .map((n) => [n, all[n]]),
      );
      return { dir: f.dir, files: sorted };
    });
    this.resolved += shared;
    this.fetchedBytes += fetchedBytes;
    return { outcome: { ...outcome, files }, shared, fetchedBytes };
  }
}
