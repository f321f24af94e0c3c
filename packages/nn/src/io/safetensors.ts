/**
 * safetensors, the weight format of PyTorch's ecosystem and its model hubs: a state dict to bytes
 * and back, in memory (browser-safe). Files are in `@tapegrad/nn/node` (`saveSafetensors`,
 * `loadSafetensors`).
 */
import {
  type ByteDType,
  checkOptions,
  type DType,
  type OptionKeys,
  TapegradError,
  Tensor,
  tensorFromBytes,
  tensorToBytes,
} from '@tapegrad/core';
import { parseHeader, RESERVED_TENSOR_NAMES, type SafetensorsHeader } from './safetensors-header.js';

/** Options of {@link toSafetensors}. */
export interface ToSafetensorsOptions {
  /** Free-form string pairs stored in the header's `__metadata__` (e.g. `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
}

/** What {@link fromSafetensors} returns. */
export interface Safetensors {
  /** The tensors by name, in the file's data order. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` map (empty when absent). */
  metadata: Record<string, string>;
}

/** The keys of {@link ToSafetensorsOptions}. */
export const TO_SAFETENSORS_KEYS: OptionKeys<ToSafetensorsOptions> = { metadata: true };

const WRITE_DTYPE: Readonly<Record<DType, string>> = { float64: 'F64', float32: 'F32', int32: 'I32' };

/** The file dtypes tapegrad reads, and what they become. */
const READ_DTYPE: Readonly<Record<string, ByteDType>> = {
  F64: 'float64',
  F32: 'float32',
  I32: 'int32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
};

/**
 * The reference writer's order: wider dtypes first (so every tensor stays aligned to its element
 * size), then by name; with it our files are byte-identical to Python's for the same tensors.
 */
const WRITE_RANK: Readonly<Record<string, number>> = { F64: 2, F32: 1, I32: 0 };

/**
 * Encodes a state dict (`module.stateDict()`, or any name → tensor map) as safetensors bytes:
 * float32 as F32, float64 as F64, int32 as I32, little-endian, row-major.
 *
 * @throws TapegradError for the reserved name `__metadata__`, a value that is not a Tensor, or
 *   metadata that is not a string → string map.
 */
export function toSafetensors(
  stateDict: Readonly<Record<string, Tensor>>,
  options?: ToSafetensorsOptions,
): Uint8Array {
  const op = 'toSafetensors';
  const metadata = checkOptions(op, options, TO_SAFETENSORS_KEYS).metadata ?? {};
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
    throw new TapegradError(
      op,
      `expected a state dict (an object of tensors by name), got ${stateDict === null ? 'null' : typeof stateDict}.`,
    );
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') {
      throw new TapegradError(
        op,
        `metadata must map strings to strings, but '${k}' is ${JSON.stringify(v)}.`,
      );
    }
  }
  const items = Object.entries(stateDict).map(([name, t]) => {
    if (name === '__metadata__' || RESERVED_TENSOR_NAMES.has(name))
      throw new TapegradError(op, `'${name}' is reserved and cannot name a tensor.`);
    if (!(t instanceof Tensor) || WRITE_DTYPE[t.dtype] === undefined) {
      throw new TapegradError(op, `'${name}' is not a float32, float64 or int32 Tensor.`);
    }
    return { name, dtype: WRITE_DTYPE[t.dtype], shape: [...t.shape], bytes: tensorToBytes(t) };
  });
  items.sort(
    (a, b) => WRITE_RANK[b.dtype]! - WRITE_RANK[a.dtype]! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return encodeFile(metadata, items);
}

/** Header (metadata first, offsets in item order, space-padded to 8 bytes) and data, as one file. */
function encodeFile(
  metadata: Record<string, string>,
  items: readonly { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[],
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const { name, dtype, shape, bytes } of items) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded % 2 ** 32, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const item of items) {
    out.set(item.bytes, at);
    at += item.bytes.length;
  }
  return out;
}

/**
 * Decodes safetensors bytes into tensors and metadata. The whole header is validated first —
 * size bound, UTF-8 JSON object, known dtypes, shapes, offsets inside the data section covering
 * it with no gap or overlap, byte lengths matching shapes, `__metadata__` a string map — and only
 * then are tensors allocated. F32, F64, I32 keep their type; F16 and BF16 become float32 exactly;
 * I64 becomes int32 (PyTorch's `num_batches_tracked`), refusing values outside its range.
 *
 * @throws TapegradError naming the first violated rule, or a dtype tapegrad cannot hold.
 */
export function fromSafetensors(bytes: Uint8Array): Safetensors {
  if (!(bytes instanceof Uint8Array)) {
    throw new TapegradError('fromSafetensors', 'expected the file contents as a Uint8Array.');
  }
  const header = parseHeader(bytes);
  return { tensors: decodeTensors(header, bytes.subarray(header.dataStart)), metadata: header.metadata };
}

/**
 * The tensors of a validated header from its data section. Refuses dtypes tapegrad cannot hold
 * before allocating any tensor.
 */
export function decodeTensors(header: SafetensorsHeader, data: Uint8Array): Record<string, Tensor> {
  for (const e of header.entries) {
    if (READ_DTYPE[e.dtype] === undefined) {
      throw new TapegradError(
        'fromSafetensors',
        `tensor '${e.name}' has dtype ${e.dtype}, which tapegrad cannot hold; it reads ${Object.keys(READ_DTYPE).join(', ')}.`,
      );
    }
  }
  const tensors: Record<string, Tensor> = {};
  for (const e of header.entries) {
    tensors[e.name] = tensorFromBytes(data.subarray(e.begin, e.end), READ_DTYPE[e.dtype]!, e.shape);
  }
  return tensors;
}
