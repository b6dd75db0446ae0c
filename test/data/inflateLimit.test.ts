/**
 * Compressed input against its limit (src/data/inflateLimit.ts, docs/io.md "Compressed input"):
 * zip bombs built here at a size CI can afford, a limit lowered to match, and hand-patched
 * headers that declare more than the file could hold.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { TopolensError } from '../../src/core/errors.js';
import { parseNpz } from '../../src/data/npz.js';
import { parseIdx } from '../../src/data/idx.js';
import { loadImageFolder } from '../../src/data/imageFolder.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';

const MiB = 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'topolens-inflate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An .npy of `rows` x 256 float32 zeros: compresses about 1000:1. */
function zerosNpy(rows: number): Uint8Array {
  return encodeNpyFloat32(new Float32Array(rows * 256), [rows, 256]);
}

/** A deflated .npz (numpy.savez_compressed layout) of the given members. */
function npz(members: Record<string, Uint8Array>): Uint8Array {
  return zipSync(members, { level: 9 });
}

/** Offset of the first central-directory header (signature PK\x01\x02). */
function centralHeader(zip: Uint8Array, nth = 0): number {
  let seen = 0;
  for (let k = 0; k + 4 <= zip.length; k++) {
    if (zip[k] === 0x50 && zip[k + 1] === 0x4b && zip[k + 2] === 1 && zip[k + 3] === 2) {
      if (seen++ === nth) return k;
    }
  }
  throw new Error('no central directory');
}

/** The same archive with member `nth`'s declared (uncompressed) size replaced. */
function declareSize(zip: Uint8Array, size: number, nth = 0): Uint8Array {
  const out = Uint8Array.from(zip);
  new DataView(out.buffer).setUint32(centralHeader(out, nth) + 24, size, true);
  return out;
}

function refusal(f: () => unknown): TopolensError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TopolensError);
    return err as TopolensError;
  }
  throw new Error('expected a refusal');
}

describe('.npz members against maxInflatedBytes', () => {
  const bomb = npz({ 'x.npy': zerosNpy(8192) }); // 8 MiB of zeros
  it('the bomb is small on disk', () => expect(bomb.length).toBeLessThan(64 * 1024));

  it('reads it under the default limit (the positive control)', () => {
    const a = parseNpz(bomb, 'bomb.npz').get('x')!;
    expect(a.shape).toEqual([8192, 256]);
  });

  it('refuses it before inflating when it declares more than the limit', () => {
    const e = refusal(() => parseNpz(bomb, 'bomb.npz', { maxInflatedBytes: MiB }));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(
      /bomb\.npz: member 'x\.npy' declares 8\.0 MiB once decompressed, above the limit of 1\.0 MiB/,
    );
    expect(e.message).toMatch(/save them uncompressed/);
  });

  it('refuses members that together declare more than the limit', () => {
    const two = npz({ 'a.npy': zerosNpy(3000), 'b.npy': zerosNpy(3000) }); // 2 x 2.9 MiB
    expect(parseNpz(two, 'two.npz', { maxInflatedBytes: 6 * MiB }).size).toBe(2);
    const e = refusal(() => parseNpz(two, 'two.npz', { maxInflatedBytes: 5 * MiB }));
    expect(e.message).toMatch(/two\.npz: its compressed members declare 5\.9 MiB/);
  });

  it('refuses a declared 3 GB at the default limit without allocating it', () => {
    const e = refusal(() => parseNpz(declareSize(bomb, 3e9), 'huge.npz'));
    expect(e.message).toMatch(/declares 2\.79 GiB once decompressed, above the limit of 2\.00 GiB/);
  });

  it('cuts a member that inflates to more than it declares at its declared size', () => {
    // declares 64 KiB, holds 8 MiB: the output buffer is 64 KiB, the .npy inside is then short
    const e = refusal(() => parseNpz(declareSize(bomb, 64 * 1024), 'liar.npz'));
    expect(e.code).not.toBe('too-large');
    expect(e.message).toMatch(/liar\.npz/);
  });

  it('leaves stored (uncompressed) members alone: their bytes are in the file', () => {
    const stored = zipSync({ 'x.npy': zerosNpy(8192) }, { level: 0 });
    expect(parseNpz(stored, 'stored.npz', { maxInflatedBytes: MiB }).get('x')!.shape).toEqual([
      8192, 256,
    ]);
  });
});

describe('gzipped IDX against maxInflatedBytes', () => {
  const idx = new Uint8Array(4 + 12 + 2 * MiB);
  idx.set([0, 0, 0x08, 3]);
  new DataView(idx.buffer).setUint32(4, 2, false);
  new DataView(idx.buffer).setUint32(8, 1024, false);
  new DataView(idx.buffer).setUint32(12, 1024, false);
  const gz = gzipSync(idx, { level: 9 });
  /** the same gzip data with another size in the trailer (ISIZE, the last 4 bytes) */
  const trailer = (size: number): Uint8Array => {
    const out = Uint8Array.from(gz);
    new DataView(out.buffer).setUint32(out.length - 4, size, true);
    return out;
  };

  it('reads it under the default limit', () => {
    expect(gz.length).toBeLessThan(16 * 1024);
    expect(parseIdx(gz, 'x.gz').shape).toEqual([2, 1024, 1024]);
  });

  it('refuses a declared size above the limit before inflating', () => {
    const e = refusal(() => parseIdx(gz, 'x.gz', { maxInflatedBytes: MiB }));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/x\.gz declares 2\.0 MiB once decompressed.*limit of 1\.0 MiB/);
    const big = refusal(() => parseIdx(trailer(3e9), 'big.gz'));
    expect(big.message).toMatch(/big\.gz declares 2\.79 GiB.*limit of 2\.00 GiB/);
  });

  it('catches data longer than the trailer claims (over 4 GiB, or forged)', () => {
    const e = refusal(() => parseIdx(trailer(64 * 1024), 'liar.gz'));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(
      /liar\.gz inflates to more than the 64 KiB its gzip trailer declares/,
    );
  });
});

describe('images against maxImagePixels', () => {
  it('refuses a PNG whose header declares a huge image, before decoding it', () => {
    const png = new PNG({ width: 2, height: 2 });
    png.data.fill(255);
    const bytes = PNG.sync.write(png);
    // IHDR width and height at bytes 16 and 20: claim 30000 x 30000 (900 megapixels)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(16, 30000, false);
    view.setUint32(20, 30000, false);
    const root = join(dir, 'images');
    mkdirSync(join(root, 'a'), { recursive: true });
    writeFileSync(join(root, 'a', 'big.png'), bytes);
    const e = refusal(() => loadImageFolder(root));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/declares 30000 x 30000 pixels, above the limit of 100 megapixels/);
  });

  it('refuses a folder whose decoded array would pass maxDecodedBytes', () => {
    const root = join(dir, 'many');
    mkdirSync(join(root, 'a'), { recursive: true });
    const png = new PNG({ width: 64, height: 64 });
    png.data.fill(128);
    for (let k = 0; k < 4; k++) writeFileSync(join(root, 'a', `${k}.png`), PNG.sync.write(png));
    expect(loadImageFolder(root).shape).toEqual([4, 64, 64, 3]);
    const e = refusal(() => loadImageFolder(root, { maxDecodedBytes: 4 * 64 * 64 * 3 * 4 - 1 }));
    expect(e.message).toMatch(/4 images of 64 x 64 x 3 need 192 KiB as float32/);
  });
});
