/** safetensors files: atomic writes, and reads that validate the header before reading the data. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checkOptions, TapegradError, type Tensor } from '@tapegrad/core';
import { requireFile, writeFileAtomic } from '../../data/node/files.js';
import {
  decodeTensors,
  type Safetensors,
  TO_SAFETENSORS_KEYS,
  type ToSafetensorsOptions,
  toSafetensors,
} from '../safetensors.js';
import { MAX_HEADER_BYTES, parseHeader } from '../safetensors-header.js';

/**
 * Writes a state dict as a safetensors file, atomically: a temporary file in the same directory,
 * flushed to disk, renamed over `path`, then the directory flushed, so a crash leaves either the
 * old file or the new one, never a torn one.
 */
export function saveSafetensors(
  path: string,
  stateDict: Readonly<Record<string, Tensor>>,
  options?: ToSafetensorsOptions,
): void {
  writeFileAtomic(
    path,
    toSafetensors(stateDict, checkOptions('saveSafetensors', options, TO_SAFETENSORS_KEYS)),
  );
}

/**
 * Reads a safetensors file (see `fromSafetensors` for the dtypes and the rules checked). Only the
 * header is read before it is validated; the data is read after.
 *
 * @throws TapegradError if the file is missing or violates the format, naming the file.
 */
export function loadSafetensors(path: string): Safetensors {
  requireFile('loadSafetensors', path);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = readAt(fd, 0, Math.min(size, 8));
    let headerEnd = 8;
    if (head.length === 8) {
      const view = new DataView(head.buffer);
      const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
      if (n <= MAX_HEADER_BYTES && 8 + n <= size) headerEnd = 8 + n;
    }
    const header = parseHeader(headerEnd > 8 ? readAt(fd, 0, headerEnd) : head, size);
    const data = readAt(fd, header.dataStart, size - header.dataStart);
    return { tensors: decodeTensors(header, data), metadata: header.metadata };
  } catch (e) {
    if (e instanceof TapegradError) throw new TapegradError('loadSafetensors', `'${path}': ${e.message}`);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** `length` bytes of the file from `position`, read in full. */
function readAt(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const got = readSync(fd, out, done, length - done, position + done);
    if (got === 0)
      throw new TapegradError(
        'loadSafetensors',
        `the file ended after ${position + done} bytes while reading.`,
      );
    done += got;
  }
  return out;
}
