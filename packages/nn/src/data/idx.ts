/**
 * The IDX file format (the one MNIST ships in): a 4-byte magic number `0x00 0x00 TYPE RANK`,
 * `RANK` big-endian uint32 dimensions, then the elements row-major and big-endian.
 * Pure functions over bytes: file access lives in `@tapegrad/nn/node`.
 */
import { fromTypedArray, TapegradError, type Tensor } from '@tapegrad/core';

/** IDX element types, by the name of the JavaScript typed array that holds them. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array holding the elements of each IDX type. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its element type, its dimensions and its elements (row-major). */
export interface IdxArray {
  /** The element type named by the file's third magic byte. */
  readonly type: IdxType;
  /** The dimensions, outermost first (e.g. `[60000, 28, 28]` for MNIST training images). */
  readonly shape: readonly number[];
  /** The elements in row-major order, in native byte order. */
  readonly data: IdxData;
}

interface TypeInfo {
  readonly code: number;
  readonly type: IdxType;
  readonly bytes: number;
  readonly make: (buffer: ArrayBuffer, offset: number, length: number) => IdxData;
}

const TYPES: readonly TypeInfo[] = [
  { code: 0x08, type: 'uint8', bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  { code: 0x09, type: 'int8', bytes: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  { code: 0x0b, type: 'int16', bytes: 2, make: (b, o, n) => new Int16Array(b, o, n) },
  { code: 0x0c, type: 'int32', bytes: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  { code: 0x0d, type: 'float32', bytes: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  { code: 0x0e, type: 'float64', bytes: 8, make: (b, o, n) => new Float64Array(b, o, n) },
];

const hex = (v: number) => `0x${v.toString(16).padStart(2, '0')}`;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Parses an IDX file. Single-byte data is returned as a view over `bytes` (no copy); wider types
 * are copied into native byte order.
 *
 * @throws TapegradError for a bad magic number, an unknown element type, or data shorter or
 *   longer than the dimensions say.
 * @example
 * ```ts
 * const { type, shape, data } = readIdx(new Uint8Array(readFileSync('t10k-labels-idx1-ubyte')));
 * // type 'uint8', shape [10000], data a Uint8Array of labels
 * ```
 */
export function readIdx(bytes: Uint8Array): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    throw new TapegradError(
      'readIdx',
      `expected the file's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}; in Node use new Uint8Array(readFileSync(path)).`,
    );
  }
  if (bytes.length < 4) {
    throw new TapegradError(
      'readIdx',
      `the file has ${bytes.length} bytes, fewer than the 4 of an IDX magic number; it is truncated or not an IDX file.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [z0, z1, code, rank] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (z0 !== 0 || z1 !== 0) {
    throw new TapegradError(
      'readIdx',
      `bad magic number ${[z0, z1, code, rank].map(hex).join(' ')}: an IDX file starts with 0x00 0x00. Is it gzipped (starts 0x1f 0x8b)? Decompress it first.`,
    );
  }
  const info = TYPES.find((t) => t.code === code);
  if (!info) {
    throw new TapegradError(
      'readIdx',
      `unknown element type ${hex(code)} in the magic number; IDX types are ${TYPES.map((t) => `${hex(t.code)} (${t.type})`).join(', ')}.`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new TapegradError(
      'readIdx',
      `truncated header: ${rank} dimensions need ${headerBytes} bytes, the file has ${bytes.length}.`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * info.bytes;
  if (bytes.length !== expected) {
    throw new TapegradError(
      'readIdx',
      `${bytes.length < expected ? 'truncated data' : 'trailing bytes'}: shape [${shape.join(',')}] of ${info.type} needs ${expected} bytes (${headerBytes} header + ${count}×${info.bytes}), the file has ${bytes.length}.`,
    );
  }
  return { type: info.type, shape, data: decode(bytes, headerBytes, count, info) };
}

function decode(bytes: Uint8Array, offset: number, count: number, info: TypeInfo): IdxData {
  if (info.bytes === 1) return info.make(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, count);
  const copy = bytes.slice(offset, offset + count * info.bytes);
  if (!LITTLE_ENDIAN) return info.make(copy.buffer, 0, count);
  // Reversing all bytes swaps each element's byte order but also reverses the element order;
  // reversing the elements again undoes the latter. Two built-in passes, no per-element code.
  copy.reverse();
  return info.make(copy.buffer, 0, count).reverse();
}

/**
 * Encodes an array as IDX bytes (big-endian), the inverse of {@link readIdx}: for writing test
 * fixtures or images to classify with `predict`.
 *
 * @throws TapegradError if the data length does not match the shape or a dimension is not a
 *   non-negative integer below 2³².
 */
export function writeIdx(array: IdxArray): Uint8Array {
  const info = TYPES.find((t) => t.type === array.type);
  if (!info) {
    throw new TapegradError(
      'writeIdx',
      `unknown type '${String(array.type)}'; use one of ${TYPES.map((t) => t.type).join(', ')}.`,
    );
  }
  const { shape, data } = array;
  if (shape.some((d) => !Number.isInteger(d) || d < 0 || d >= 2 ** 32) || shape.length > 255) {
    throw new TapegradError(
      'writeIdx',
      `shape [${shape.join(',')}] must be at most 255 non-negative integer dimensions below 2^32.`,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new TapegradError(
      'writeIdx',
      `shape [${shape.join(',')}] needs ${count} elements, the data has ${data.length}.`,
    );
  }
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const body = new Uint8Array(count * info.bytes);
  const typed = info.make(body.buffer, 0, count);
  // Typed arrays convert element types on set(); the cast only quiets the union of signatures.
  (typed as Float64Array).set(data as Float64Array);
  if (info.bytes > 1 && LITTLE_ENDIAN) {
    // The same double reversal as in readIdx, run the other way.
    typed.reverse();
    body.reverse();
  }
  out.set(body, headerBytes);
  return out;
}

/**
 * Turns an IDX array into a tensor of the same shape: integer types become `int32` (labels),
 * float types keep their width. Use {@link idxImagesToTensor} for pixel data.
 */
export function idxToTensor(array: IdxArray): Tensor {
  const { type, data, shape } = array;
  if (type === 'float32') return fromTypedArray(data as Float32Array, shape);
  if (type === 'float64') return fromTypedArray(data as Float64Array, shape);
  return fromTypedArray(Int32Array.from(data), shape);
}

/**
 * Turns IDX pixel data (`uint8`, 0…255) into a float32 tensor scaled to [0, 1], shaped
 * `[N, ...shape.slice(1)]` or reshaped to `shape` if given (e.g. `[N, 784]` or `[N, 1, 28, 28]`).
 *
 * @throws TapegradError if the data is not `uint8`, or `shape` holds a different element count.
 */
export function idxImagesToTensor(array: IdxArray, shape?: readonly number[]): Tensor {
  if (array.type !== 'uint8') {
    throw new TapegradError(
      'idxImagesToTensor',
      `expects uint8 pixels (0…255), got ${array.type}; use idxToTensor for other data.`,
    );
  }
  const target = shape ?? array.shape;
  const count = target.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new TapegradError(
      'idxImagesToTensor',
      `shape [${target.join(',')}] holds ${count} elements, the images have ${array.data.length} (shape [${array.shape.join(',')}]).`,
    );
  }
  // The typed-array constructor converts at memory speed; dividing in place avoids a second
  // 4-bytes-per-pixel allocation (188 MB for the MNIST training set).
  return fromTypedArray(new Float32Array(array.data), target).div_(255);
}
