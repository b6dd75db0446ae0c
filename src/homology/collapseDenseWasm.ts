/**
 * The domination search of the dense edge-collapse kernel (collapseDense.ts) in WebAssembly. The
 * violator test and the candidate narrowing walk bitsets and ask F whether a kept edge is present
 * at T; in JavaScript that is a loop over the kept bits with a mispredicted branch per bit. Here
 * a word of kept bits is answered at once: F's 32 values behind the word compared with T by
 * 128-bit vectors and their sign masks gathered, branch-free (torus4 at 2: the search 14 -> 10 s
 * CPU, the whole pass about 33 -> 27 s; what is left is mostly the cache misses on F's rows).
 *
 * Layout in the module's memory (bytes; the kernel's typed arrays are views on it):
 *   0: result (i32)   4: n   8: words   12: U   16: K   20: F   24: S   28: cand   (i32 each)
 *   32: T (float of F's type)
 * U and K are n rows of `words` i32, F the n x n matrix of current times (float32 or float64),
 * S (the present common neighbours of the visited edge) and cand one row each.
 *
 *   violator(w): result = a vertex of S other than w not joined to w at T (no edge, or a kept
 *     edge of time > T), or -1 (w dominates the edge at T)
 *   slowRound(w, y): w failed with the violator y; result = a dominator at T found by narrowing
 *     the candidates (cand = S, then cand &= y's neighbours at T and y, next candidate, its
 *     violator...), or -1 (none)
 */
import {
  I32,
  V128,
  assembleModule,
  compileWasmModule,
  functionEmitter,
  instantiateWasm,
  op,
  type FunctionEmitter,
  type WasmMemory,
} from '../linalg/wasmAssembler.js';

// Core opcodes beyond the assembler's table.
const I32_EQ = 0x46;
const I32_NE = 0x47;
const I32_LT_S = 0x48;
const I32_CTZ = 0x68;
const I32_AND = 0x71;
const I32_OR = 0x72;
const I32_XOR = 0x73;
const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const RETURN = 0x0f;
// SIMD sub-opcodes.
const F32X4_SPLAT = 0x13;
const F64X2_SPLAT = 0x14;
const F32X4_LE = 0x45;
const F64X2_LE = 0x4b;
const I32X4_BITMASK = 0xa4;
const I64X2_BITMASK = 0xc4;

interface Header {
  n: number;
  words: number;
  U: number;
  K: number;
  F: number;
  S: number;
  cand: number;
  /** scratch i32 local */
  scratch: number;
  /** T in every lane (v128 local) */
  Tv: number;
}

/** Emits the loads of the header's offsets into fresh locals. */
function loadHeader(e: FunctionEmitter): Header {
  const h = {} as Header;
  const fields: Array<Exclude<keyof Header, 'scratch' | 'Tv'>> = [
    'n',
    'words',
    'U',
    'K',
    'F',
    'S',
    'cand',
  ];
  fields.forEach((f, i) => {
    h[f] = e.local(I32);
    e.i32(0);
    e.i32Load(4 + 4 * i);
    e.set(h[f]);
  });
  h.scratch = e.local(I32);
  h.Tv = e.local(V128);
  return h;
}

/** Pushes word * 32 + ctz(bits): the vertex of the lowest set bit of a bitset word (i32 locals). */
function bitIndex(e: FunctionEmitter, word: number, bits: number): void {
  e.get(word);
  e.i32(5);
  e.ops(I32_SHL);
  e.get(bits);
  e.ops(I32_CTZ, op.i32Add);
}

/** Pushes the address base + 4 * index (i32 locals). */
function wordAddress(e: FunctionEmitter, base: number, index: number): void {
  e.get(base);
  e.get(index);
  e.i32(2);
  e.ops(I32_SHL, op.i32Add);
}

function kernelBytes(float64: boolean): Uint8Array {
  const shift = float64 ? 3 : 2;
  const lanes = float64 ? 2 : 4;
  /**
   * Pushes the word whose bit j says F[row + 32 k + j] <= T (row = r * n, i32 locals; Tv the
   * v128 local holding T in every lane): 32 floats compared by 128-bit vectors, their sign
   * masks gathered. Reads up to 31 floats past the row (past the matrix: padding); their bits
   * are dropped by the caller's mask.
   */
  const presentMask = (e: FunctionEmitter, h: Header, row: number, k: number, Tv: number): void => {
    const at = h.scratch;
    e.get(row);
    e.get(k);
    e.i32(5);
    e.ops(I32_SHL, op.i32Add);
    e.i32(shift);
    e.ops(I32_SHL);
    e.get(h.F);
    e.ops(op.i32Add);
    e.set(at);
    for (let j = 0; j < 32 / lanes; j++) {
      e.get(at);
      e.v128Load(16 * j);
      e.get(Tv);
      e.simd(float64 ? F64X2_LE : F32X4_LE);
      e.simd(float64 ? I64X2_BITMASK : I32X4_BITMASK);
      if (j > 0) {
        e.i32(j * lanes);
        e.ops(I32_SHL, I32_OR);
      }
    }
  };
  /** Tv = T in every lane. */
  const splatT = (e: FunctionEmitter, Tv: number): void => {
    e.i32(0);
    if (float64) e.ops(op.f64Load, 3, 32);
    else e.f32Load(32);
    e.simd(float64 ? F64X2_SPLAT : F32X4_SPLAT);
    e.set(Tv);
  };
  /**
   * out = a vertex of S other than w not joined to w at T, or -1. Per word: the bits of S off
   * U_w; those off K_w too have no edge to w (violators at once), those in K_w are violators
   * when F[w][x] > T. Locals k, bits, kb, x, wo, wb are scratch.
   */
  const emitViolator = (
    e: FunctionEmitter,
    h: Header,
    w: number,
    out: number,
    s: { k: number; bits: number; kb: number; x: number; wo: number; wb: number },
  ): void => {
    // wo = w * words, wb = w * n, out = -1
    e.get(w);
    e.get(h.words);
    e.ops(op.i32Mul);
    e.set(s.wo);
    e.get(w);
    e.get(h.n);
    e.ops(op.i32Mul);
    e.set(s.wb);
    e.i32(-1);
    e.set(out);
    e.i32(0);
    e.set(s.k);
    e.ops(op.block, 0x40, op.loop, 0x40);
    {
      e.get(s.k);
      e.get(h.words);
      e.ops(op.i32GeU, op.brIf, 1);
      // bits = S[k] & ~U[wo + k], without w
      wordAddress(e, h.S, s.k);
      e.i32Load();
      e.get(s.wo);
      e.get(s.k);
      e.ops(op.i32Add);
      e.set(s.x);
      wordAddress(e, h.U, s.x);
      e.i32Load();
      e.i32(-1);
      e.ops(I32_XOR, I32_AND);
      e.set(s.bits);
      e.get(s.k);
      e.get(w);
      e.i32(5);
      e.ops(I32_SHR_U, I32_EQ);
      e.ifElse(() => {
        e.get(s.bits);
        e.i32(1);
        e.get(w);
        e.ops(I32_SHL);
        e.i32(-1);
        e.ops(I32_XOR, I32_AND);
        e.set(s.bits);
      });
      e.get(s.bits);
      e.ifElse(() => {
        // kb = bits & K[wo + k]; bits ^= kb (no edge to w)
        wordAddress(e, h.K, s.x);
        e.i32Load();
        e.get(s.bits);
        e.ops(I32_AND);
        e.tee(s.kb);
        e.get(s.bits);
        e.ops(I32_XOR);
        e.tee(s.bits);
        e.ifElse(() => {
          // out = k * 32 + ctz(bits); done
          bitIndex(e, s.k, s.bits);
          e.set(out);
          e.ops(op.br, 3);
        });
        // kept edges to w: the first with F[w][x] > T
        e.get(s.kb);
        e.ifElse(() => {
          e.get(s.kb);
          presentMask(e, h, s.wb, s.k, h.Tv);
          e.i32(-1);
          e.ops(I32_XOR, I32_AND);
          e.tee(s.bits);
          e.ifElse(() => {
            bitIndex(e, s.k, s.bits);
            e.set(out);
            e.ops(op.br, 4);
          });
        });
      });
      e.inc(s.k, 1);
      e.ops(op.br, 0);
    }
    e.ops(op.end, op.end);
  };

  const violatorFn = (() => {
    const e = functionEmitter([I32]);
    const w = 0;
    const h = loadHeader(e);
    splatT(e, h.Tv);
    const out = e.local(I32);
    const s = {
      k: e.local(I32),
      bits: e.local(I32),
      kb: e.local(I32),
      x: e.local(I32),
      wo: e.local(I32),
      wb: e.local(I32),
    };
    emitViolator(e, h, w, out, s);
    e.i32(0);
    e.get(out);
    e.ops(op.i32Store, 2, 0);
    return e.finish();
  })();

  const slowRoundFn = (() => {
    const e = functionEmitter([I32, I32]);
    const [w, y] = [0, 1];
    const h = loadHeader(e);
    splatT(e, h.Tv);
    const s = {
      k: e.local(I32),
      bits: e.local(I32),
      kb: e.local(I32),
      x: e.local(I32),
      wo: e.local(I32),
      wb: e.local(I32),
    };
    const cw = e.local(I32);
    const yo = e.local(I32);
    const yb = e.local(I32);
    const yWas = e.local(I32);
    const keep = e.local(I32);
    const at = e.local(I32);
    // cand = S
    e.i32(0);
    e.set(s.k);
    e.ops(op.block, 0x40, op.loop, 0x40);
    e.get(s.k);
    e.get(h.words);
    e.ops(op.i32GeU, op.brIf, 1);
    wordAddress(e, h.cand, s.k);
    wordAddress(e, h.S, s.k);
    e.i32Load();
    e.ops(op.i32Store, 2, 0);
    e.inc(s.k, 1);
    e.ops(op.br, 0, op.end, op.end);
    e.i32(0);
    e.set(cw);
    e.ops(op.loop, 0x40);
    {
      // yo = y * words, yb = y * n, yWas = cand[y >>> 5] & (1 << y)
      e.get(y);
      e.get(h.words);
      e.ops(op.i32Mul);
      e.set(yo);
      e.get(y);
      e.get(h.n);
      e.ops(op.i32Mul);
      e.set(yb);
      e.get(y);
      e.i32(5);
      e.ops(I32_SHR_U);
      e.set(s.x);
      wordAddress(e, h.cand, s.x);
      e.i32Load();
      e.i32(1);
      e.get(y);
      e.ops(I32_SHL, I32_AND);
      e.set(yWas);
      // for k = cw .. words - 1: cand[k] = (c & U_y) | kept bits of c & K_y present at T
      e.get(cw);
      e.set(s.k);
      e.ops(op.block, 0x40, op.loop, 0x40);
      {
        e.get(s.k);
        e.get(h.words);
        e.ops(op.i32GeU, op.brIf, 1);
        wordAddress(e, h.cand, s.k);
        e.tee(at);
        e.i32Load();
        e.tee(s.bits);
        e.ifElse(() => {
          e.get(yo);
          e.get(s.k);
          e.ops(op.i32Add);
          e.set(s.x);
          wordAddress(e, h.U, s.x);
          e.i32Load();
          e.get(s.bits);
          e.ops(I32_AND);
          e.set(keep);
          wordAddress(e, h.K, s.x);
          e.i32Load();
          e.get(s.bits);
          e.ops(I32_AND);
          e.set(s.kb);
          // keep |= kb & (row y's block k present at T)
          e.get(s.kb);
          e.ifElse(() => {
            e.get(s.kb);
            presentMask(e, h, yb, s.k, h.Tv);
            e.ops(I32_AND);
            e.get(keep);
            e.ops(I32_OR);
            e.set(keep);
          });
          e.get(at);
          e.get(keep);
          e.ops(op.i32Store, 2, 0);
        });
        e.inc(s.k, 1);
        e.ops(op.br, 0);
      }
      e.ops(op.end, op.end);
      // cand[y >>> 5] |= yWas
      e.get(y);
      e.i32(5);
      e.ops(I32_SHR_U);
      e.set(s.x);
      wordAddress(e, h.cand, s.x);
      e.tee(at);
      e.get(at);
      e.i32Load();
      e.get(yWas);
      e.ops(I32_OR, op.i32Store, 2, 0);
      // while (cw < words && cand[cw] === 0) cw++
      e.ops(op.block, 0x40, op.loop, 0x40);
      {
        e.get(cw);
        e.get(h.words);
        e.ops(op.i32GeU, op.brIf, 1);
        wordAddress(e, h.cand, cw);
        e.i32Load();
        e.tee(s.bits);
        e.ops(op.brIf, 1);
        e.inc(cw, 1);
        e.ops(op.br, 0);
      }
      e.ops(op.end, op.end);
      // no candidate left: result -1
      e.get(cw);
      e.get(h.words);
      e.ops(I32_NE);
      e.ops(op.i32Eqz);
      e.ifElse(() => {
        e.i32(0);
        e.i32(-1);
        e.ops(op.i32Store, 2, 0, RETURN);
      });
      // w = cw * 32 + ctz(cand[cw]); y = its violator; none: result w
      bitIndex(e, cw, s.bits);
      e.set(w);
      emitViolator(e, h, w, y, s);
      e.get(y);
      e.i32(0);
      e.ops(I32_LT_S);
      e.ifElse(() => {
        e.i32(0);
        e.get(w);
        e.ops(op.i32Store, 2, 0, RETURN);
      });
      e.ops(op.br, 0);
    }
    e.ops(op.end);
    return e.finish();
  })();

  return assembleModule([
    { name: 'violator', params: [I32], body: violatorFn },
    { name: 'slowRound', params: [I32, I32], body: slowRoundFn },
  ]);
}

interface Exports {
  memory: WasmMemory;
  violator(w: number): void;
  slowRound(w: number, y: number): void;
}

/** The kernel's arrays on a module's memory, and its two searches. */
export interface DenseSearch {
  F: Float32Array | Float64Array;
  U: Int32Array;
  K: Int32Array;
  S: Int32Array;
  cand: Int32Array;
  /** T for the next calls (write T.at(0) = value) */
  T: Float32Array | Float64Array;
  /** a violator of w at T, or -1 */
  violator(w: number): number;
  /** a dominator at T after w failed with violator y, or -1 */
  slowRound(w: number, y: number): number;
}

/**
 * The searches and their arrays (F filled with Infinity, the others zero) for n vertices, or null
 * where WebAssembly is unavailable or its memory cannot grow so far; the kernel then uses its
 * JavaScript loops.
 */
export function denseSearch(n: number, float64: boolean): DenseSearch | null {
  // assembled and compiled per run (about 2 ms, beside a collapse of 20,000 edges or more), so
  // that importing the engine costs nothing for the runs that never collapse
  const ex = instantiateWasm(compileWasmModule(kernelBytes(float64))) as unknown as Exports | null;
  if (!ex) return null;
  const words = (n + 31) >>> 5;
  const bpe = float64 ? 8 : 4;
  const S = 48;
  const cand = S + words * 4;
  const U = cand + words * 4;
  const K = U + n * words * 4;
  const F = Math.ceil((K + n * words * 4) / 16) * 16;
  const total = F + (n * n + 32) * bpe;
  const pages = Math.ceil(total / 65536);
  const have = ex.memory.buffer.byteLength / 65536;
  if (pages > 65536) return null;
  try {
    if (pages > have) ex.memory.grow(pages - have);
  } catch {
    return null;
  }
  const buffer = ex.memory.buffer;
  const header = new Int32Array(buffer, 0, 8);
  header.set([0, n, words, U, K, F, S, cand]);
  const FloatArrayType = float64 ? Float64Array : Float32Array;
  const Fv = new FloatArrayType(buffer, F, n * n).fill(Infinity);
  return {
    F: Fv,
    U: new Int32Array(buffer, U, n * words),
    K: new Int32Array(buffer, K, n * words),
    S: new Int32Array(buffer, S, words),
    cand: new Int32Array(buffer, cand, words),
    T: new FloatArrayType(buffer, 32, 1),
    violator: (w) => {
      ex.violator(w);
      return header[0];
    },
    slowRound: (w, y) => {
      ex.slowRound(w, y);
      return header[0];
    },
  };
}
