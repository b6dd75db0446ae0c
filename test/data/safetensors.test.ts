import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../src/data/safetensors.js';
import { requireTool, runPython } from '../helpers/oracles.js';

/** Builds a .safetensors file by hand: u64 LE header length, JSON header, raw bytes. */
function build(header: Record<string, unknown>, payload: Uint8Array, pad = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.length + payload.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(payload, 8 + json.length);
  return out;
}

describe('parseSafetensors', () => {
  it('reads F32, F64, F16, BF16, I64, I32, U8 tensors with shapes from hand-built bytes', () => {
    const payload = new Uint8Array(8 + 16 + 4 + 4 + 16 + 8 + 3);
    const dv = new DataView(payload.buffer);
    dv.setFloat32(0, 1.5, true);
    dv.setFloat32(4, -2.25, true);
    dv.setFloat64(8, Math.PI, true);
    dv.setFloat64(16, -1e300, true);
    dv.setUint16(24, 0x3c00, true); // f16 1.0
    dv.setUint16(26, 0xc100, true); // f16 -2.5
    dv.setUint16(28, 0x3f80, true); // bf16 1.0
    dv.setUint16(30, 0x4049, true); // bf16 3.140625
    dv.setBigInt64(32, -5n, true);
    dv.setBigInt64(40, 2n ** 40n, true);
    dv.setInt32(48, -7, true);
    dv.setInt32(52, 9, true);
    payload.set([0, 128, 255], 56);
    const bytes = build(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
        b: { dtype: 'F64', shape: [2], data_offsets: [8, 24] },
        h: { dtype: 'F16', shape: [2], data_offsets: [24, 28] },
        bf: { dtype: 'BF16', shape: [2], data_offsets: [28, 32] },
        l: { dtype: 'I64', shape: [2, 1], data_offsets: [32, 48] },
        i: { dtype: 'I32', shape: [2], data_offsets: [48, 56] },
        u: { dtype: 'U8', shape: [3], data_offsets: [56, 59] },
      },
      payload,
      5,
    );
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('a')!.shape).toEqual([1, 2]);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1.5, -2.25]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([Math.PI, -1e300]);
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2.5]);
    expect(Array.from(tensors.get('bf')!.data)).toEqual([1, 3.140625]);
    expect(tensors.get('l')!.shape).toEqual([2, 1]);
    expect(Array.from(tensors.get('l')!.data)).toEqual([-5, 2 ** 40]);
    expect(Array.from(tensors.get('i')!.data)).toEqual([-7, 9]);
    expect(Array.from(tensors.get('u')!.data)).toEqual([0, 128, 255]);
  });

  it('agrees with a file NumPy writes by the spec (independent writer)', (ctx) => {
    requireTool(ctx, 'numpy');
    const out = runPython(`
import json, struct, sys, numpy as np
rng = np.random.default_rng(3)
ts = {'w': rng.normal(size=(3, 4)).astype('<f4'), 'x': rng.normal(size=(2, 2, 2)), 'h': rng.normal(size=5).astype('<f2')}
names = {'<f4': 'F32', '<f8': 'F64', '<f2': 'F16'}
hdr, blobs, off = {}, [], 0
for k, a in ts.items():
    b = a.tobytes(order='C')
    hdr[k] = {'dtype': names[a.dtype.str], 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
    blobs.append(b); off += len(b)
h = json.dumps(hdr).encode()
sys.stdout.write(json.dumps({'file': (struct.pack('<Q', len(h)) + h + b''.join(blobs)).hex(),
  'values': {k: a.astype(np.float64).ravel().tolist() for k, a in ts.items()},
  'shapes': {k: list(a.shape) for k, a in ts.items()}}))
`);
    const ref = JSON.parse(out) as {
      file: string;
      values: Record<string, number[]>;
      shapes: Record<string, number[]>;
    };
    const bytes = Uint8Array.from(Buffer.from(ref.file, 'hex'));
    const { tensors } = parseSafetensors(bytes);
    for (const k of ['w', 'x', 'h']) {
      expect(tensors.get(k)!.shape).toEqual(ref.shapes[k]);
      expect(Array.from(tensors.get(k)!.data)).toEqual(ref.values[k]);
    }
  });

  it('names the problem in bad files', () => {
    expect(() => parseSafetensors(new Uint8Array(3), 'm.safetensors')).toThrow(/too short/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1000n, true);
    expect(() => parseSafetensors(huge, 'm.safetensors')).toThrow(
      /header length \(1000 bytes\) exceeds the file/,
    );
    const bad = build({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => parseSafetensors(bad, 'm.safetensors')).toThrow(
      /tensor 'a' of m\.safetensors: unsupported dtype C64/,
    );
    const mismatch = build(
      { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    expect(() => parseSafetensors(mismatch)).toThrow(
      /data_offsets \[0, 8\] do not match shape \[3\]/,
    );
    const truncated = build(
      { a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } },
      new Uint8Array(8),
    );
    expect(() => parseSafetensors(truncated)).toThrow(/truncated/);
  });
});
