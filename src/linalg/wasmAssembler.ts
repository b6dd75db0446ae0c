/**
 * A very small WebAssembly assembler: readable emitters for the handful of instructions the
 * numeric kernels use (i32 arithmetic, f32 loads and stores, 128-bit SIMD on f32x4, counted
 * loops), and a module writer for one memory and several exported functions. The kernels are
 * thereby written in TypeScript, assembled when their module loads (a few hundred bytes, well
 * under a millisecond) and need no build step and no binary blob in the repository.
 *
 * Encoding reference: the WebAssembly core specification 2.0 (binary format, chapter 5) and the
 * fixed-width SIMD proposal's opcode table (prefix 0xfd, LEB128-encoded sub-opcodes).
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  while (true) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A module section: id, byte length, body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A length-prefixed name. */
export function wasmName(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** Core opcodes used by the kernels. */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Store: 0x36,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  f32Eq: 0x5b,
  f32Ne: 0x5c,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f64Add: 0xa0,
  simd: 0xfd,
} as const;

/** SIMD sub-opcodes (after the 0xfd prefix). */
export const simdOp = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f64x2ExtractLane: 0x21,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Max: 0xe9,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
} as const;

/**
 * Emits one function body. Locals are allocated by type; `code` is the instruction stream.
 * Parameters are locals 0..params.length-1.
 */
export function functionEmitter(params: ValueType[]) {
  const code: number[] = [];
  const extra: ValueType[] = [];
  const local = (type: ValueType): number => {
    extra.push(type);
    return params.length + extra.length - 1;
  };
  const e = {
    code,
    local,
    get: (l: number) => void code.push(op.localGet, ...uleb(l)),
    set: (l: number) => void code.push(op.localSet, ...uleb(l)),
    tee: (l: number) => void code.push(op.localTee, ...uleb(l)),
    i32: (v: number) => void code.push(op.i32Const, ...sleb(v)),
    f32: (v: number) => {
      const b = new Uint8Array(new Float32Array([v]).buffer);
      code.push(op.f32Const, ...b);
    },
    ops: (...bytes: number[]) => void code.push(...bytes),
    simd: (sub: number, ...immediates: number[]) =>
      void code.push(op.simd, ...uleb(sub), ...immediates),
    /** v128.load at the address on the stack plus `offset` (alignment hint 16 bytes). */
    v128Load: (offset = 0) => void code.push(op.simd, ...uleb(simdOp.load), 4, ...uleb(offset)),
    /** v128.store of (address, value) on the stack. */
    v128Store: (offset = 0) => void code.push(op.simd, ...uleb(simdOp.store), 4, ...uleb(offset)),
    v128Zero: () =>
      void code.push(op.simd, ...uleb(simdOp.const), ...new Array<number>(16).fill(0)),
    f32Load: (offset = 0) => void code.push(op.f32Load, 2, ...uleb(offset)),
    f32Store: (offset = 0) => void code.push(op.f32Store, 2, ...uleb(offset)),
    i32Load: (offset = 0) => void code.push(op.i32Load, 2, ...uleb(offset)),
    /** pushes a + b (i32 locals) */
    sum: (a: number, b: number) => {
      e.get(a);
      e.get(b);
      code.push(op.i32Add);
    },
    /**
     * `for (counter = 0; counter < bytes; counter += 16)
     *    dst[counter] += coef * src[counter]` on f32x4 vectors; `dst`, `src`, `bytes`, `zero`
     * (a local holding 0), `counter` and `scratch` are i32 locals, `coef` a v128 local.
     */
    addScaledRow: (
      dst: number,
      src: number,
      coef: number,
      bytes: number,
      zero: number,
      counter: number,
      scratch: number,
    ) => {
      e.forRange(counter, zero, bytes, 16, () => {
        e.sum(dst, counter);
        e.tee(scratch);
        e.get(scratch);
        e.v128Load();
        e.get(coef);
        e.sum(src, counter);
        e.v128Load();
        e.simd(simdOp.f32x4Mul);
        e.simd(simdOp.f32x4Add);
        e.v128Store();
      });
    },
    /**
     * Loads the f32 at a + b (i32 locals), splats it into the v128 local `coef`, and runs
     * `body`. Testing the value for zero to skip `body` was slower wherever the zeros are
     * irregular: a mispredicted branch costs more than the few vector operations it skips
     * (measured 3.7x on a conv filter gradient with 50% zeros).
     */
    withCoefficient: (a: number, b: number, coef: number, body: () => void) => {
      e.sum(a, b);
      e.f32Load();
      e.simd(simdOp.f32x4Splat);
      e.set(coef);
      body();
    },
    /** local = a + b (locals). */
    addTo: (dst: number, a: number, b: number) => {
      e.get(a);
      e.get(b);
      code.push(op.i32Add);
      e.set(dst);
    },
    /** local += constant */
    inc: (l: number, by: number) => {
      e.get(l);
      e.i32(by);
      code.push(op.i32Add);
      e.set(l);
    },
    /**
     * `for (counter = start; counter < limit; counter += step) body()` with unsigned
     * comparison; `start` and `limit` are locals, `step` a constant.
     */
    forRange: (counter: number, start: number, limit: number, step: number, body: () => void) => {
      e.get(start);
      e.set(counter);
      code.push(op.block, 0x40, op.loop, 0x40);
      e.get(counter);
      e.get(limit);
      code.push(op.i32GeU, op.brIf, 1);
      body();
      e.inc(counter, step);
      code.push(op.br, 0, op.end, op.end);
    },
    /** `if (condition on the stack) then() [else otherwise()]` */
    ifElse: (then: () => void, otherwise?: () => void) => {
      code.push(op.if, 0x40);
      then();
      if (otherwise) {
        code.push(op.else);
        otherwise();
      }
      code.push(op.end);
    },
    /** The encoded body: local declarations (run-length by type), code, end. */
    finish: (): number[] => {
      const groups: Array<[number, ValueType]> = [];
      for (const t of extra) {
        const last = groups[groups.length - 1];
        if (last && last[1] === t) last[0]++;
        else groups.push([1, t]);
      }
      const body = [
        ...uleb(groups.length),
        ...groups.flatMap(([n, t]) => [...uleb(n), t]),
        ...code,
        op.end,
      ];
      return [...uleb(body.length), ...body];
    },
  };
  return e;
}

export type FunctionEmitter = ReturnType<typeof functionEmitter>;

export interface AssembledFunction {
  name: string;
  params: ValueType[];
  /** the encoded body from `FunctionEmitter.finish()` */
  body: number[];
}

/** A module with one exported memory ("memory", `pages` initial 64 KiB pages) and the functions
 * (no results), exported under their names. */
export function assembleModule(functions: AssembledFunction[], pages = 1): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]);
  const typeSec = section(1, [...uleb(functions.length), ...types]);
  const funcSec = section(3, [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(i))]);
  const memSec = section(5, [1, 0x00, ...uleb(pages)]);
  const exports = [
    ...functions.flatMap((f, i) => [...wasmName(f.name), 0x00, ...uleb(i)]),
    ...wasmName('memory'),
    0x02,
    0,
  ];
  const exportSec = section(7, [...uleb(functions.length + 1), ...exports]);
  const codeSec = section(10, [...uleb(functions.length), ...functions.flatMap((f) => f.body)]);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...typeSec,
    ...funcSec,
    ...memSec,
    ...exportSec,
    ...codeSec,
  ]);
}

/** The few WebAssembly JS-API members used here (lib ES2022 does not declare them). */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** Compiles bytes to a module, or null where WebAssembly (or its SIMD) is unavailable. */
export function compileWasmModule(bytes: Uint8Array): object | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm || !wasm.validate(bytes)) return null;
  try {
    return new wasm.Module(bytes);
  } catch {
    return null;
  }
}

/** A fresh instance of a compiled module (no imports), or null. */
export function instantiateWasm(module: object | null): Record<string, unknown> | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm || !module) return null;
  try {
    return new wasm.Instance(module, {}).exports;
  } catch {
    return null;
  }
}
