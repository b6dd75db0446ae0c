/**
 * JSON that keeps what plain JSON loses, for job results sent through the queue: typed arrays
 * (as `{ $typed: name, values }`), non-finite numbers and -0 (as `{ $num: 'Infinity' }`), and
 * bigints (as `{ $bigint: '123' }`). Decoding gives back the same values bit for bit (a finite
 * double round-trips exactly through its shortest decimal form). See docs/sweeps.md.
 */
const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Int16Array,
  Int8Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
type TypedName = keyof typeof TYPED;

function encodeValue(v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $num: 'NaN' };
    if (v === Infinity) return { $num: 'Infinity' };
    if (v === -Infinity) return { $num: '-Infinity' };
    if (Object.is(v, -0)) return { $num: '-0' };
    return v;
  }
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const name = v.constructor.name as TypedName;
    if (!(name in TYPED)) throw new Error(`internal: cannot encode a ${name}`);
    return { $typed: name, values: Array.from(v as unknown as ArrayLike<number>, encodeValue) };
  }
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeValue(x);
    return out;
  }
  return v;
}

function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.$num === 'string') return Number(o.$num);
    if (keys.length === 1 && typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (keys.length === 2 && typeof o.$typed === 'string' && Array.isArray(o.values)) {
      const ctor = TYPED[o.$typed as TypedName];
      if (!ctor) throw new Error(`unknown typed array '${o.$typed}' in a queue result`);
      return ctor.from(o.values.map((x) => decodeValue(x) as number));
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = decodeValue(o[k]);
    return out;
  }
  return v;
}

/** `value` as JSON text that `decodeResult` turns back into the same values. */
export function encodeResult(value: unknown): string {
  return JSON.stringify(encodeValue(value));
}

export function decodeResult<T>(text: string): T {
  return decodeValue(JSON.parse(text)) as T;
}
