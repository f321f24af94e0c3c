/** State files on disk: written atomically and durably, read with every check of `decodeStateFile`. */
import { readFileSync } from 'node:fs';
import { checkOptions, TapegradError } from '@tapegrad/core';
import { requireFile, withFileErrors, writeFileAtomic } from '../../data/node/files.js';
import {
  decodeStateFile,
  encodeStateFile,
  type LoadedStateFile,
  STATE_FILE_KEYS,
  type StateFileContents,
} from '../state-file.js';

/**
 * Saves a model's state dict, an optimizer's state and metadata as a state file (see
 * `encodeStateFile`): written to a temporary file in the same directory, flushed to disk, renamed
 * over `path`, then the directory flushed. A crash at any moment leaves the previous file or the
 * new one, never a torn one (a leftover `.name.*.tmp` file may remain and can be deleted).
 *
 * @example
 * ```ts
 * saveStateFile('ckpt.json', { model: model.stateDict(), optimizer: opt.stateDict(), metadata: { epoch } });
 * ```
 */
export function saveStateFile(path: string, contents: StateFileContents): void {
  writeFileAtomic(path, encodeStateFile(checkOptions('saveStateFile', contents, STATE_FILE_KEYS)));
}

/**
 * Reads and checks a state file written by {@link saveStateFile}: checksum, format, version and
 * every tensor, before anything is returned. Load the parts with `model.loadStateDict(file.model)`
 * and `optimizer.loadStateDict(file.optimizer)`.
 *
 * @throws TapegradError naming the file: missing, a directory, truncated, corrupted or edited
 *   (checksum mismatch), or holding a bad tensor.
 */
export function loadStateFile(path: string): LoadedStateFile {
  requireFile('loadStateFile', path);
  const bytes: Uint8Array = withFileErrors('loadStateFile', path, () => readFileSync(path));
  try {
    return decodeStateFile(bytes);
  } catch (e) {
    if (e instanceof TapegradError) {
      throw new TapegradError('loadStateFile', `'${path}': ${e.message.slice(e.op.length + 2)}`);
    }
    if (e instanceof SyntaxError) {
      throw new TapegradError('loadStateFile', `'${path}' is not valid JSON (${e.message}).`);
    }
    throw e;
  }
}
