/**
 * State files: a model's state dict, an optimizer's state and free-form metadata in one JSON
 * document with a format name, a version and a CRC-32 of its exact bytes. Every value round-trips
 * bit for bit (see `tensorToJSON`), and a truncated, edited or bit-flipped file is refused with a
 * message saying so. Browser-safe; `saveStateFile` and `loadStateFile` in `@tapegrad/nn/node`
 * write and read files atomically.
 *
 * The layout: `{"format":"tapegrad-state","version":1,"metadata":…,"model":…,"optimizer":…,
 * "checksum":"crc32:xxxxxxxx"}`. The checksum covers every byte before `,"checksum"` followed by the
 * closing `}`, so the file is checked exactly as it lies on disk.
 */
import { checkOptions, crc32, type OptionKeys, TapegradError, Tensor } from '@tapegrad/core';
import type { StateDict } from '../module.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import { isTensorJSON, type TensorJSON, tensorFromJSON, tensorToJSON } from '../parameter.js';
import { refusePrototypeKey } from '../util.js';

/** The `format` field of every state file. */
export const STATE_FILE_FORMAT = 'tapegrad-state';
/** The version this code writes and reads. */
export const STATE_FILE_VERSION = 1;

/** What a state file holds; every part is optional. */
export interface StateFileContents {
  /** A model's state dict (`module.stateDict()`), tensors or their JSON. */
  model?: Readonly<Record<string, Tensor | TensorJSON>>;
  /** An optimizer's state (`optimizer.stateDict()`). */
  optimizer?: OptimizerStateDict;
  /** Anything else to keep with the weights, as JSON (epoch, architecture, metrics, …). */
  metadata?: Record<string, unknown>;
}

/** A decoded state file: tensors rebuilt and checked, the optimizer state and metadata as stored. */
export interface LoadedStateFile {
  /** The model's state dict (empty if none was saved). */
  model: StateDict;
  /** The optimizer's state, or `null` if none was saved. */
  optimizer: OptimizerStateDict | null;
  /** The metadata (empty if none was saved). */
  metadata: Record<string, unknown>;
}

/** The keys of {@link StateFileContents}. */
export const STATE_FILE_KEYS: OptionKeys<StateFileContents> = {
  model: true,
  optimizer: true,
  metadata: true,
};
const TAIL_PREFIX = ',"checksum":"crc32:';
const TAIL_LENGTH = TAIL_PREFIX.length + 8 + 2; // 8 hex digits, then `"}`
const encoder = new TextEncoder();

/**
 * Encodes `contents` as a state file: UTF-8 JSON bytes with a format name, a version and a
 * CRC-32. Tensors are written with `tensorToJSON`, so −0, NaN (with its payload), ±Infinity and
 * subnormals come back bit for bit.
 *
 * @throws TapegradError for an unknown key in `contents`, a model entry that is not a tensor, or
 *   metadata that JSON cannot hold.
 */
export function encodeStateFile(contents: StateFileContents): Uint8Array {
  const op = 'encodeStateFile';
  const { model, optimizer, metadata } = checkOptions(op, contents, STATE_FILE_KEYS);
  const body: Record<string, unknown> = { format: STATE_FILE_FORMAT, version: STATE_FILE_VERSION };
  if (metadata !== undefined) body.metadata = metadata;
  if (model !== undefined) body.model = modelJSON(op, model);
  if (optimizer !== undefined) body.optimizer = optimizerJSON(optimizer);
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (e) {
    throw new TapegradError(op, `the contents cannot be written as JSON: ${(e as Error).message}.`);
  }
  const head = encoder.encode(text.slice(0, -1));
  const checksum = crc32(encoder.encode('}'), crc32(head)).toString(16).padStart(8, '0');
  const tail = encoder.encode(`${TAIL_PREFIX}${checksum}"}`);
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

function modelJSON(
  op: string,
  model: Readonly<Record<string, Tensor | TensorJSON>>,
): Record<string, TensorJSON> {
  if (typeof model !== 'object' || model === null || Array.isArray(model)) {
    throw new TapegradError(
      op,
      `model must be a state dict (an object of tensors by name), got ${typeof model}.`,
    );
  }
  const out: Record<string, TensorJSON> = {};
  for (const [key, t] of Object.entries(model)) {
    if (t instanceof Tensor) out[key] = tensorToJSON(t);
    else if (isTensorJSON(t)) out[key] = tensorToJSON(tensorFromJSON(t, op));
    else throw new TapegradError(op, `model entry '${key}' is not a tensor.`);
  }
  return out;
}

/** The optimizer state with its tensors (if any are Tensors rather than JSON) written exactly. */
function optimizerJSON(sd: OptimizerStateDict): OptimizerStateDict {
  const state: OptimizerStateDict['state'] = {};
  for (const [i, entry] of Object.entries(sd.state ?? {})) {
    state[i] = Object.fromEntries(
      Object.entries(entry).map(([k, v]) => [k, v instanceof Tensor ? tensorToJSON(v) : v]),
    );
  }
  return { state, paramGroups: sd.paramGroups };
}

/**
 * Decodes and checks a state file's bytes (or text): the checksum over the exact bytes, the format
 * and version, no prototype keys (`__proto__`, `constructor`) anywhere, and every tensor (shape,
 * dtype, element count before allocating). The optimizer state is returned as stored; an
 * optimizer's `loadStateDict` validates it against its parameters.
 *
 * @throws TapegradError naming what is wrong: not a state file, truncated, a checksum mismatch
 *   (corrupted or edited), an unknown version, or a bad tensor (naming its key).
 */
export function decodeStateFile(data: Uint8Array | string): LoadedStateFile {
  const op = 'decodeStateFile';
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  if (!(bytes instanceof Uint8Array)) {
    throw new TapegradError(op, `expected the file's bytes (a Uint8Array) or text, got ${typeof data}.`);
  }
  verifyChecksum(op, bytes);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  // A string followed by a colon is a key (quotes inside strings are escaped), so this finds
  // exactly the keys that would reach a prototype, without a reviver call per value.
  const forbidden = /"(__proto__|constructor|prototype)"\s*:/.exec(text);
  if (forbidden) refusePrototypeKey(op, forbidden[1]!, 'the file');
  const file = JSON.parse(text) as Record<string, unknown>;
  if (file.format !== STATE_FILE_FORMAT) {
    throw new TapegradError(op, `not a tapegrad state file (format ${JSON.stringify(file.format)}).`);
  }
  if (file.version !== STATE_FILE_VERSION) {
    throw new TapegradError(
      op,
      `state file version ${JSON.stringify(file.version)} is not one this tapegrad reads (version ${STATE_FILE_VERSION}); use the tapegrad that wrote it.`,
    );
  }
  return {
    model: decodeModel(op, file.model),
    optimizer: decodeOptimizer(op, file.optimizer),
    metadata: (file.metadata ?? {}) as Record<string, unknown>,
  };
}

/** Checks the CRC-32 at the end of the file against its bytes, naming truncation or corruption. */
function verifyChecksum(op: string, bytes: Uint8Array): void {
  const tail = new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - TAIL_LENGTH)));
  const match = /^,"checksum":"crc32:([0-9a-f]{8})"\}$/.exec(tail);
  if (bytes.length < TAIL_LENGTH || match === null) {
    const start = new TextDecoder().decode(bytes.subarray(0, 40));
    const ours = start.startsWith(`{"format":"${STATE_FILE_FORMAT}"`);
    throw new TapegradError(
      op,
      ours
        ? `the file ends without its checksum (${bytes.length} bytes): it is truncated, or was edited.`
        : 'not a tapegrad state file (it does not start with {"format":"tapegrad-state").',
    );
  }
  const body = bytes.subarray(0, bytes.length - TAIL_LENGTH);
  const actual = crc32(encoder.encode('}'), crc32(body)).toString(16).padStart(8, '0');
  if (actual !== match[1]) {
    throw new TapegradError(
      op,
      `checksum mismatch (stored crc32:${match[1]}, computed crc32:${actual}): the file is corrupted or was edited. Load an earlier copy, or save it again.`,
    );
  }
}

function decodeModel(op: string, model: unknown): StateDict {
  if (model === undefined) return {};
  if (typeof model !== 'object' || model === null || Array.isArray(model)) {
    throw new TapegradError(op, `'model' must be an object of tensors, got ${typeof model}.`);
  }
  const out: StateDict = {};
  for (const [key, t] of Object.entries(model)) {
    try {
      out[key] = tensorFromJSON(t as TensorJSON, op);
    } catch (e) {
      if (e instanceof TapegradError)
        throw new TapegradError(op, `model entry '${key}': ${e.message.slice(op.length + 2)}`);
      throw e;
    }
  }
  return out;
}

function decodeOptimizer(op: string, sd: unknown): OptimizerStateDict | null {
  if (sd === undefined) return null;
  const ok =
    typeof sd === 'object' &&
    sd !== null &&
    Array.isArray((sd as OptimizerStateDict).paramGroups) &&
    typeof (sd as OptimizerStateDict).state === 'object';
  if (!ok) throw new TapegradError(op, `'optimizer' must be { state, paramGroups }, got ${typeof sd}.`);
  return sd as OptimizerStateDict;
}
