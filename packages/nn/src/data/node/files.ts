/** Node-only file helpers: reading IDX files (gzipped or not) and writing files atomically. */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkOptions, type OptionKeys, TapegradError } from '@tapegrad/core';
import { type IdxArray, readIdx } from '../idx.js';

/** Options for {@link readIdxFile}. */
export interface ReadIdxFileOptions {
  /**
   * Read only the first `limit` entries along the first axis (e.g. the first 500 images). For a
   * plain file only those bytes are read, which keeps small slices of large files fast.
   */
  limit?: number;
}

const ELEMENT_BYTES: Record<number, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };
const READ_KEYS: OptionKeys<ReadIdxFileOptions> = { limit: true };

/**
 * Throws unless `path` names an existing regular file, naming `op` and what is there instead (a
 * directory, nothing), so no raw `ENOENT` or `EISDIR` reaches the user.
 */
export function requireFile(op: string, path: string): void {
  if (typeof path !== 'string' || path === '') {
    throw new TapegradError(op, `expected a file path, got ${JSON.stringify(path) ?? typeof path}.`);
  }
  if (!existsSync(path)) throw new TapegradError(op, `no file at '${path}'; check the path.`);
  if (!statSync(path).isFile()) {
    throw new TapegradError(
      op,
      `'${path}' is ${statSync(path).isDirectory() ? 'a directory' : 'not a regular file'}; give the path of a file.`,
    );
  }
}

/** Runs `fn`, turning Node's file-system errors (`EACCES`, `EIO`, …) into a TapegradError naming `op` and `path`. */
export function withFileErrors<T>(op: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TapegradError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new TapegradError(op, `'${path}': ${code} (${(e as Error).message}).`);
  }
}

/**
 * Reads and parses an IDX file; a gzipped file (`.gz`, or any file starting with the gzip magic
 * bytes) is decompressed first.
 *
 * @throws TapegradError if the file does not exist, `limit` is not a non-negative integer, or
 *   the file is not a valid IDX file.
 */
export function readIdxFile(path: string, options?: ReadIdxFileOptions): IdxArray {
  const { limit } = checkOptions('readIdxFile', options, READ_KEYS);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new TapegradError('readIdxFile', `limit must be a non-negative integer, got ${limit}.`);
  }
  requireFile('readIdxFile', path);
  try {
    return withFileErrors('readIdxFile', path, () => readIdx(readBytes(path, limit)));
  } catch (e) {
    if (e instanceof TapegradError && !e.message.startsWith('readIdxFile:'))
      throw new TapegradError('readIdxFile', `'${path}': ${e.message}`);
    throw e;
  }
}

/**
 * The size the header of an uncompressed IDX file promises (header plus elements), checked
 * against the file's real size before anything that large is allocated.
 */
function checkHeaderAgainstFile(header: Uint8Array, elementBytes: number, fileSize: number): number[] {
  const rank = header[3]!;
  const dims = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const shape = Array.from({ length: rank }, (_, d) => dims.getUint32(4 + 4 * d, false));
  const promised = 4 + 4 * rank + shape.reduce((a, b) => a * b, 1) * elementBytes;
  if (promised !== fileSize) {
    throw new TapegradError(
      'readIdx',
      `the header claims shape [${shape.join(',')}] (${promised} bytes with the header), but the file has ${fileSize} bytes: it is ${promised > fileSize ? 'truncated, or the header is corrupt' : 'longer than its header says'}.`,
    );
  }
  return shape;
}

/** The file's bytes, cut after `limit` entries along the first axis (header patched to match). */
function readBytes(path: string, limit: number | undefined): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(4);
    readSync(fd, head, 0, 4, 0);
    const elementBytes = ELEMENT_BYTES[head[2]!];
    const gzipped = head[0] === 0x1f && head[1] === 0x8b;
    if (limit === undefined || gzipped || elementBytes === undefined || head[3] === 0) {
      // Buffer is a Uint8Array over its own memory: no copy needed.
      const whole: Uint8Array = readFileSync(fd);
      const bytes = gzipped ? gunzipSync(whole) : whole;
      return limit === undefined ? bytes : cut(bytes, limit);
    }
    const headerBytes = 4 + 4 * head[3]!;
    const size = fstatSync(fd).size;
    if (size < headerBytes) {
      throw new TapegradError(
        'readIdx',
        `truncated header: ${head[3]} dimensions need ${headerBytes} bytes, the file has ${size}.`,
      );
    }
    const header = new Uint8Array(headerBytes);
    readSync(fd, header, 0, headerBytes, 0);
    const shape = checkHeaderAgainstFile(header, elementBytes, size);
    const rowBytes = shape.slice(1).reduce((a, b) => a * b, elementBytes);
    const rows = Math.min(limit, shape[0]!);
    const out = new Uint8Array(headerBytes + rows * rowBytes);
    out.set(header);
    new DataView(out.buffer).setUint32(4, rows, false);
    const got = readSync(fd, out, headerBytes, rows * rowBytes, headerBytes);
    // A short read leaves the array longer than the data; readIdx reports it as truncated.
    return got < rows * rowBytes ? out.subarray(0, headerBytes + got) : out;
  } finally {
    closeSync(fd);
  }
}

/** Keeps the first `limit` entries of an in-memory IDX file, patching its first dimension. */
function cut(bytes: Uint8Array, limit: number): Uint8Array {
  const parsed = readIdx(bytes);
  const rows = Math.min(limit, parsed.shape[0] ?? 0);
  const rowElements = parsed.shape.slice(1).reduce((a, b) => a * b, 1);
  const headerBytes = 4 + 4 * parsed.shape.length;
  const end = headerBytes + rows * rowElements * parsed.data.BYTES_PER_ELEMENT;
  const out = bytes.slice(0, end);
  new DataView(out.buffer).setUint32(4, rows, false);
  return out;
}

/**
 * Writes `contents` to `path` atomically and durably: to a temporary file in the same directory,
 * flushed to disk (fsync), renamed over `path`, then the directory flushed so the rename itself
 * survives a crash. A reader never sees a half-written file, and a crash leaves the old file or
 * the new one.
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const op = 'writeFileAtomic';
  if (typeof path !== 'string' || path === '') {
    throw new TapegradError(op, `expected a file path, got ${JSON.stringify(path) ?? typeof path}.`);
  }
  if (typeof contents !== 'string' && !(contents instanceof Uint8Array)) {
    throw new TapegradError(
      op,
      `contents must be a string or a Uint8Array, got ${contents === null ? 'null' : typeof contents}.`,
    );
  }
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TapegradError(
      op,
      `cannot write '${path}': the directory '${dir}' does not exist. Create it first (mkdirSync(dir, { recursive: true })).`,
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new TapegradError(op, `cannot write '${path}': it is a directory.`);
  }
  withFileErrors(op, path, () => writeThenRename(path, dir, contents));
  syncDirectory(dir);
}

/** The temporary file, its flush and the rename of {@link writeFileAtomic}; the temporary file is removed on failure. */
function writeThenRename(path: string, dir: string, contents: string | Uint8Array): void {
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    writeFileSync(fd, contents);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
}

/** Flushes a directory's entries to disk; skipped where directories cannot be opened (Windows). */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    // Some file systems refuse fsync on a directory; the rename has still happened.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}
