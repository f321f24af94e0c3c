/**
 * The safetensors header: its dtypes, and a validator that checks every rule of the format
 * before any tensor is allocated. A file is `u64 little-endian N`, then N bytes of UTF-8 JSON
 * (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}`, padded with
 * spaces), then the data section, which the tensors must cover exactly: no gap, no overlap.
 */
import { TapegradError } from '@tapegrad/core';

const OP = 'fromSafetensors';

/** The largest header accepted, as the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bits per element of every dtype the format defines. */
export const SAFETENSORS_DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

/** One tensor as the header describes it; offsets are relative to the data section. */
export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: entries sorted by offset, the metadata map, and where the data starts. */
export interface SafetensorsHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  dataStart: number;
}

function fail(message: string): never {
  throw new TapegradError(OP, message);
}

/**
 * Reads and validates the header. `head` holds the start of the file (at least the length field
 * and the header, when the file has them) and `fileLength` the whole file's size, so a file reader
 * can validate everything before it reads, and allocates for, the data.
 */
export function parseHeader(head: Uint8Array, fileLength = head.length): SafetensorsHeader {
  if (fileLength < 8 || head.length < 8) {
    fail(
      `${fileLength} bytes is too short for a safetensors file, which starts with an 8-byte header length.`,
    );
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const size = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (size > MAX_HEADER_BYTES) {
    fail(
      `the header claims ${size} bytes, more than the limit of ${MAX_HEADER_BYTES}; the file is corrupt or not safetensors.`,
    );
  }
  if (8 + size > fileLength || 8 + size > head.length) {
    fail(
      `the header claims ${size} bytes but the file has only ${fileLength - 8} after the length field; the file is truncated.`,
    );
  }
  const json = decodeJson(head.subarray(8, 8 + size));
  const metadata = readMetadata(json.__metadata__);
  const entries = Object.entries(json)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, info]) => readEntry(name, info));
  checkCoverage(entries, fileLength - 8 - size);
  return { entries, metadata, dataStart: 8 + size };
}

function decodeJson(header: Uint8Array): Record<string, unknown> {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(header);
  } catch {
    fail('the header is not valid UTF-8.');
  }
  if (!text.startsWith('{')) {
    fail(`the header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message}).`);
  }
  // Valid JSON that starts with '{' is an object.
  return parsed as Record<string, unknown>;
}

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(`__metadata__ must be an object mapping strings to strings, got ${JSON.stringify(raw)}.`);
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      fail(`__metadata__ must map strings to strings, but '${key}' is ${JSON.stringify(value)}.`);
    }
  }
  return { ...(raw as Record<string, string>) };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Names that would reach an object's prototype when the tensors are collected by name. */
export const RESERVED_TENSOR_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function readEntry(name: string, info: unknown): HeaderEntry {
  if (RESERVED_TENSOR_NAMES.has(name)) {
    fail(
      `a tensor is named '${name}', a name no state dict may use (it would reach the prototype); the file is corrupt or hostile.`,
    );
  }
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    fail(
      `tensor '${name}' must be an object with dtype, shape and data_offsets, got ${JSON.stringify(info)}.`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || SAFETENSORS_DTYPE_BITS[dtype] === undefined) {
    fail(
      `tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}; the format defines ${Object.keys(SAFETENSORS_DTYPE_BITS).join(', ')}.`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`tensor '${name}' has shape ${JSON.stringify(shape)}; a shape is a list of non-negative integers.`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every(isCount) ||
    offsets[0]! > offsets[1]!
  ) {
    fail(
      `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end.`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const dims = shape as number[];
  const bits = dims.reduce((a, d) => a * d, SAFETENSORS_DTYPE_BITS[dtype as string]!);
  if (bits / 8 !== end - begin) {
    fail(
      `tensor '${name}' of dtype ${dtype} and shape [${dims.join(',')}] needs ${bits / 8} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}.`,
    );
  }
  return { name, dtype: dtype as string, shape: dims, begin, end };
}

/** The tensors must tile the data section exactly: in offset order, each starts where the last ended. */
function checkCoverage(entries: HeaderEntry[], dataBytes: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous = '';
  for (const e of entries) {
    if (e.end > dataBytes) {
      fail(
        `tensor '${e.name}' has data_offsets [${e.begin}, ${e.end}] past the end of the data section (${dataBytes} bytes).`,
      );
    }
    if (e.begin < at) {
      fail(
        `tensor '${e.name}' (bytes ${e.begin}–${e.end}) overlaps tensor '${previous}' (which ends at ${at}).`,
      );
    }
    if (e.begin > at) {
      fail(
        `bytes ${at}–${e.begin} of the data section belong to no tensor (before '${e.name}'); the format allows no gaps.`,
      );
    }
    at = e.end;
    previous = e.name;
  }
  if (at !== dataBytes) {
    fail(
      `the data section has ${dataBytes} bytes but the tensors cover only ${at}; the format allows no trailing bytes.`,
    );
  }
}
