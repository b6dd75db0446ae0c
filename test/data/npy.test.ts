import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/data/npy.js';
import { parseNpz, pickArray } from '../../src/data/npz.js';
import { ndarrayToMatrix, float16ToNumber } from '../../src/data/ndarray.js';
import { TopolensError } from '../../src/core/errors.js';
import { hasTool, requireTool, runPython } from '../helpers/oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  file: string;
  shape: number[];
  values: number[];
  dtype: string;
}

// NumPy (an independent writer) writes every variant and the values it holds, in C order.
let expected: Expected[] = [];
if (hasTool('numpy')) {
  const out = runPython(
    `
import json, sys, numpy as np
from numpy.lib import format as fmt
d = sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(dir)}
rng = np.random.default_rng(7)
base = rng.normal(size=(5, 3))
cases = []
def save(name, a, version=None):
    path = d + '/' + name
    with open(path, 'wb') as f:
        fmt.write_array(f, a, version=version, allow_pickle=False)
    cases.append({'file': name, 'shape': list(a.shape), 'values': np.ascontiguousarray(a).astype(np.float64).ravel(order='C').tolist(), 'dtype': a.dtype.str})
save('f64_v1.npy', base, (1, 0))
save('f32_v1.npy', base.astype('<f4'), (1, 0))
save('f64_v2.npy', base, (2, 0))
save('f32_v3.npy', base.astype('<f4'), (3, 0))
save('f64_be.npy', base.astype('>f8'))
save('f32_be.npy', base.astype('>f4'))
save('f16.npy', base.astype('<f2'))
save('fortran.npy', np.asfortranarray(base))
save('fortran3d.npy', np.asfortranarray(rng.normal(size=(2, 3, 4))))
save('nd4.npy', rng.normal(size=(2, 3, 4, 2)).astype('<f4'))
ints = np.array([[-128, 0, 127], [5, -7, 100]])
for t in ['i1', 'i2', 'i4', 'i8', '>i4', '>i8', '<i2']:
    save('int_' + t.replace('>', 'be') + '.npy', ints.astype(t))
uints = np.array([[0, 255, 17], [3, 4, 200]])
for t in ['u1', 'u2', 'u4', '>u2']:
    save('uint_' + t.replace('>', 'be') + '.npy', uints.astype(t))
save('bool.npy', np.array([True, False, True]))
save('vec.npy', np.arange(6, dtype=np.float64))
save('big_i8.npy', np.array([2**40 + 3, -2**50], dtype='<i8'))
np.savez(d + '/plain.npz', points=base, labels=np.arange(5))
np.savez_compressed(d + '/compressed.npz', base.astype(np.float32))
np.savez_compressed(d + '/two.npz', a=base, b=base * 2)
np.save(d + '/structured.npy', np.zeros(3, dtype=[('x', '<f4'), ('y', '<i4')]))
np.save(d + '/complex.npy', np.zeros(3, dtype=np.complex64))
print(json.dumps(cases))
`,
  );
  expected = JSON.parse(out);
}

describe('parseNpy against NumPy-written files', () => {
  it('reads every dtype, version, byte order and layout NumPy writes', (ctx) => {
    requireTool(ctx, 'numpy');
    expect(expected.length).toBeGreaterThan(20);
    for (const e of expected) {
      const a = parseNpy(readFileSync(join(dir, e.file)), e.file);
      expect(a.shape, e.file).toEqual(e.shape);
      expect(a.data.length, e.file).toBe(e.values.length);
      const isF32 = /f4|f2/.test(e.dtype);
      expect(a.data instanceof (isF32 ? Float32Array : Float64Array), e.file).toBe(true);
      // NumPy's float32/float16 values, promoted to float64, are exactly representable
      expect(Array.from(a.data), e.file).toEqual(e.values);
    }
  });

  it('transposes Fortran-order arrays to C order (checked entry by entry)', (ctx) => {
    requireTool(ctx, 'numpy');
    const f = parseNpy(readFileSync(join(dir, 'fortran.npy')));
    const c = parseNpy(readFileSync(join(dir, 'f64_v1.npy')));
    expect(Array.from(f.data)).toEqual(Array.from(c.data));
  });

  it('views 2-D and 1-D arrays as point clouds and refuses N-D with a reshape hint', (ctx) => {
    requireTool(ctx, 'numpy');
    const m = ndarrayToMatrix(parseNpy(readFileSync(join(dir, 'f64_v1.npy'))));
    expect([m.rows, m.cols]).toEqual([5, 3]);
    const v = ndarrayToMatrix(parseNpy(readFileSync(join(dir, 'vec.npy'))));
    expect([v.rows, v.cols]).toEqual([6, 1]);
    const nd = parseNpy(readFileSync(join(dir, 'nd4.npy')));
    expect(nd.shape).toEqual([2, 3, 4, 2]);
    expect(() => ndarrayToMatrix(nd, 'acts')).toThrow(/acts has shape \[2, 3, 4, 2\].*1-D or 2-D/);
  });

  it('refuses structured and complex arrays clearly', (ctx) => {
    requireTool(ctx, 'numpy');
    expect(() => parseNpy(readFileSync(join(dir, 'structured.npy')), 's.npy')).toThrow(
      /s\.npy holds a structured \(record\) array/,
    );
    expect(() => parseNpy(readFileSync(join(dir, 'complex.npy')), 'c.npy')).toThrow(
      /c\.npy: unsupported dtype '<c8'/,
    );
  });
});

describe('parseNpz against NumPy-written archives', () => {
  it('reads stored and deflated archives by name', (ctx) => {
    requireTool(ctx, 'numpy');
    const base = parseNpy(readFileSync(join(dir, 'f64_v1.npy')));
    const plain = parseNpz(readFileSync(join(dir, 'plain.npz')));
    expect([...plain.keys()].sort()).toEqual(['labels', 'points']);
    expect(Array.from(plain.get('points')!.data)).toEqual(Array.from(base.data));
    expect(Array.from(plain.get('labels')!.data)).toEqual([0, 1, 2, 3, 4]);
    const comp = parseNpz(readFileSync(join(dir, 'compressed.npz')));
    expect([...comp.keys()]).toEqual(['arr_0']);
    const f32 = parseNpy(readFileSync(join(dir, 'f32_v1.npy')));
    expect(Array.from(pickArray(comp).data)).toEqual(Array.from(f32.data));
  });

  it('picks the named array, and lists the names when the choice is ambiguous', (ctx) => {
    requireTool(ctx, 'numpy');
    const two = parseNpz(readFileSync(join(dir, 'two.npz')), 'two.npz');
    expect(pickArray(two, 'b', 'two.npz').data[0]).toBe(2 * pickArray(two, 'a').data[0]);
    expect(() => pickArray(two, undefined, 'two.npz')).toThrow(
      /two\.npz holds 2 arrays \(a, b\); say which one.*--array/s,
    );
    expect(() => pickArray(two, 'c', 'two.npz')).toThrow(/no array named 'c'; it holds: a, b/);
  });
});

describe('parseNpy on hand-built bytes', () => {
  function npyBytes(header: string, payload: Uint8Array, major = 1): Uint8Array {
    const h = new TextEncoder().encode(header);
    const pre = major === 1 ? 10 : 12;
    const out = new Uint8Array(pre + h.length + payload.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
    const dv = new DataView(out.buffer);
    if (major === 1) dv.setUint16(8, h.length, true);
    else dv.setUint32(8, h.length, true);
    out.set(h, pre);
    out.set(payload, pre + h.length);
    return out;
  }

  it('rejects a wrong magic, an unknown version and truncated data', () => {
    expect(() => parseNpy(new TextEncoder().encode('1,2,3\n'), 'x.npy')).toThrow(
      /x\.npy is not a \.npy file/,
    );
    const hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n";
    expect(() => parseNpy(npyBytes(hdr, new Uint8Array(16)), 't.npy')).toThrow(TopolensError);
    expect(() => parseNpy(npyBytes(hdr, new Uint8Array(16)), 't.npy')).toThrow(
      /t\.npy: the data is truncated \(needs 32 bytes/,
    );
    expect(() => parseNpy(npyBytes(hdr, new Uint8Array(32), 9), 'v.npy')).toThrow(
      /unsupported \.npy format version 9\.0/,
    );
  });

  it('reads a hand-built big-endian float64 Fortran array', () => {
    const hdr = "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }\n";
    const payload = new Uint8Array(48);
    const dv = new DataView(payload.buffer);
    // Fortran order stores column by column: a = [[1,2,3],[4,5,6]] -> 1,4,2,5,3,6
    [1, 4, 2, 5, 3, 6].forEach((v, k) => dv.setFloat64(k * 8, v, false));
    const a = parseNpy(npyBytes(hdr, payload, 2));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('converts float16 exactly', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x7c00)).toBe(Infinity);
    expect(float16ToNumber(0x3555)).toBeCloseTo(0.33325195, 8);
  });
});
