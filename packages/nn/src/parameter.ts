import {
  type DType,
  fmtShape,
  type NestedArray,
  TapegradError,
  type Tensor,
  Tensor as TensorClass,
  tensor,
  tensorToBytes,
} from '@tapegrad/core';

/**
 * A tensor that is a learnable weight of a {@link Module}: assigning one to a module property
 * registers it, and it requires grad unless told otherwise (as `torch.nn.Parameter`). It shares the
 * buffer of the tensor it wraps.
 */
export class Parameter extends TensorClass {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.data, [...data.shape], data.dtype);
    this.label = data.label;
    if (requiresGrad) this.requiresGrad_(true);
  }
}

/**
 * A tensor written as plain JSON: `{ shape, dtype, data }`, data flat (row-major) or nested. Numbers
 * JSON cannot write are strings, so every value comes back exactly: `'NaN'`, `'Infinity'`,
 * `'-Infinity'` and `'-0'` (JSON would write the first three as `null` and the last as `0`), and a
 * NaN whose bits are not the usual quiet NaN as `'NaN:0x…'` with its bit pattern.
 */
export interface TensorJSON {
  shape: number[];
  dtype: DType;
  data: NestedArray | readonly (number | string)[];
}

/** The JSON form of one element: the number itself, or a string for NaN, ±Infinity and −0. */
const encodeNumber = (v: number): number | string =>
  Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : v) : String(v);

const SPECIAL: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
};

/**
 * Plain JSON for a tensor: shape, dtype and flat row-major data. Every value round-trips through
 * `JSON.stringify` and {@link tensorFromJSON} exactly — subnormals, −0, NaN and ±Infinity included.
 */
export function tensorToJSON(t: Tensor): TensorJSON {
  const data = Array.from(t.data, encodeNumber);
  if (t.dtype !== 'int32' && data.includes('NaN')) markNaNPayloads(t, data);
  return { shape: [...t.shape], dtype: t.dtype, data };
}

/** The bit patterns JavaScript gives NaN in each float dtype (the quiet NaN, sign clear). */
const QUIET_NAN: Readonly<Record<string, bigint>> = { float32: 0x7fc00000n, float64: 0x7ff8000000000000n };

/** Replaces `'NaN'` by `'NaN:0x…'` where the element's bits are not the quiet NaN's. */
function markNaNPayloads(t: Tensor, data: (number | string)[]): void {
  const bytes = tensorToBytes(t);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  data.forEach((v, i) => {
    if (v !== 'NaN') return;
    const bits = t.dtype === 'float32' ? BigInt(view.getUint32(4 * i, true)) : view.getBigUint64(8 * i, true);
    if (bits !== QUIET_NAN[t.dtype]) data[i] = `NaN:0x${bits.toString(16)}`;
  });
}

/** Writes the NaN bit patterns `'NaN:0x…'` asked for into `t` (whose values there are NaN). */
function restoreNaNPayloads(op: string, t: Tensor, payloads: readonly [number, string][]): void {
  const width = t.dtype === 'float32' ? 32 : t.dtype === 'float64' ? 64 : 0;
  for (const [i, hex] of payloads) {
    const bits = BigInt(hex);
    const exponent = width === 32 ? (bits >> 23n) & 0xffn : (bits >> 52n) & 0x7ffn;
    const mantissa = width === 32 ? bits & 0x7fffffn : bits & 0xfffffffffffffn;
    const allOnes = width === 32 ? 0xffn : 0x7ffn;
    if (width === 0 || bits >> BigInt(width) !== 0n || exponent !== allOnes || mantissa === 0n) {
      throw new TapegradError(op, `value ${i} 'NaN:${hex}' is not the bit pattern of a ${t.dtype} NaN.`);
    }
    if (width === 32) new Uint32Array(t.data.buffer, t.data.byteOffset, t.size)[i] = Number(bits);
    else new BigUint64Array(t.data.buffer, t.data.byteOffset, t.size)[i] = bits;
  }
}

/** Whether `x` looks like a {@link TensorJSON} (an object with shape and data that is not a Tensor). */
export const isTensorJSON = (x: unknown): x is TensorJSON =>
  typeof x === 'object' && x !== null && !(x instanceof TensorClass) && 'shape' in x && 'data' in x;

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/**
 * A tensor from {@link TensorJSON} (flat or nested data). Validates before allocating: `shape` a
 * list of non-negative integers, `dtype` one of tapegrad's, `data` holding exactly the shape's
 * number of elements, each a number or one of the strings `tensorToJSON` writes.
 *
 * @param op - the caller named in errors (`Linear.loadStateDict`, …).
 * @throws TapegradError naming `op`, the field and the offending value.
 */
export function tensorFromJSON(json: TensorJSON, op = 'tensorFromJSON'): Tensor {
  if (!isTensorJSON(json)) {
    throw new TapegradError(op, `expected a tensor as { shape, dtype, data }, got ${describe(json)}.`);
  }
  const { shape, dtype, data } = json;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TapegradError(
      op,
      `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}.`,
    );
  }
  if (!DTYPES.includes(dtype)) {
    throw new TapegradError(
      op,
      `unknown dtype ${JSON.stringify(dtype)}; expected 'float32', 'float64' or 'int32'.`,
    );
  }
  if (!Array.isArray(data)) throw new TapegradError(op, `data must be an array, got ${describe(data)}.`);
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  const flat = (data as unknown[]).flat(Number.POSITIVE_INFINITY) as unknown[];
  if (flat.length !== size) {
    throw new TapegradError(
      op,
      `shape ${fmtShape(shape)} needs ${size} values, the data has ${flat.length}${flat.length < size ? ' (truncated?)' : ''}.`,
    );
  }
  const payloads: [number, string][] = [];
  const values = flat.map((v, i) => decodeNumber(op, v, i, payloads));
  const out = tensor(values, { dtype }).reshape(shape);
  if (payloads.length > 0) restoreNaNPayloads(op, out, payloads);
  return out;
}

function decodeNumber(op: string, v: unknown, i: number, payloads: [number, string][]): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && Object.hasOwn(SPECIAL, v)) return SPECIAL[v]!;
  if (typeof v === 'string' && /^NaN:0x[0-9a-f]{1,16}$/.test(v)) {
    payloads.push([i, v.slice(4)]);
    return Number.NaN;
  }
  throw new TapegradError(
    op,
    `value ${i} is ${describe(v)}; expected a number or one of 'NaN', 'Infinity', '-Infinity', '-0'.`,
  );
}

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'string'
        ? `the string '${v}'`
        : typeof v;
