/** Node-only file helpers: reading IDX files (gzipped or not) and writing files atomically. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TapegradError } from '@tapegrad/core';
import { type IdxArray, readIdx } from '../idx.js';

/**
 * Reads and parses an IDX file; a gzipped file (`.gz`, or any file starting with the gzip magic
 * bytes) is decompressed first.
 *
 * @throws TapegradError if the file does not exist or is not a valid IDX file.
 */
export function readIdxFile(path: string): IdxArray {
  if (!existsSync(path)) {
    throw new TapegradError('readIdxFile', `no file at '${path}'; check the path.`);
  }
  let bytes = new Uint8Array(readFileSync(path));
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = new Uint8Array(gunzipSync(bytes));
  try {
    return readIdx(bytes);
  } catch (e) {
    if (e instanceof TapegradError) throw new TapegradError('readIdxFile', `'${path}': ${e.message}`);
    throw e;
  }
}

/**
 * Writes `contents` to `path` atomically: to a temporary file in the same directory, then a
 * rename, so a reader never sees a half-written file and a crash leaves the old file intact.
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, contents);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
