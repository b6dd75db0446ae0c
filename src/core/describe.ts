/**
 * Short descriptions of run-time values for error messages: what a public function got when it
 * was given the wrong thing ("an object with keys points, labels", "a Float64Array of 12
 * values"), so that the message can name it next to what is needed.
 */

const TYPED_ARRAYS = [
  Float32Array,
  Float64Array,
  Int32Array,
  Int16Array,
  Int8Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Uint8ClampedArray,
];

/** The constructor name of a typed array, or undefined if `v` is not one. */
export function typedArrayName(v: unknown): string | undefined {
  for (const T of TYPED_ARRAYS) if (v instanceof T) return T.name;
  return undefined;
}

/** A few words saying what `v` is: its type, and its keys, length or shape where it has one. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  const typed = typedArrayName(v);
  if (typed) return `a ${typed} of ${(v as ArrayLike<number>).length} values`;
  if (Array.isArray(v)) return `an array of ${v.length} entries`;
  if (typeof v === 'function') return 'a function';
  if (typeof v !== 'object') return `${typeof v} ${JSON.stringify(v) ?? String(v)}`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (Array.isArray(o.shape) && o.data !== undefined) {
    const data = typedArrayName(o.data) ?? describeValue(o.data);
    return `a tensor of shape [${(o.shape as unknown[]).join(', ')}] (${data})`;
  }
  const ctor = (o.constructor as { name?: string } | undefined)?.name;
  const kind = ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
  if (keys.length === 0) return `${kind} with no keys`;
  const shown = keys.length > 8 ? [...keys.slice(0, 8), '...'] : keys;
  return `${kind} with keys ${shown.join(', ')}`;
}
