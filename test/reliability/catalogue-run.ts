/**
 * Runs the error catalogue's cases: each case's code is JavaScript as a user would write it,
 * evaluated with every export of @tapegrad/core, @tapegrad/nn and @tapegrad/nn/node in scope, plus
 * a few fixtures (a model, logits, files on disk). Running the code as text keeps what the docs
 * show and what the test runs the same thing.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as node from '@tapegrad/nn/node';
import type { BadInput } from './error-catalogue.js';

/** Where the file cases write; shown as `<tmp>` in docs/errors.md. */
export const CATALOGUE_DIR = join(tmpdir(), 'tapegrad-error-catalogue');

/** Writes `bytes` (or text) to `name` in the catalogue's directory and returns the path. */
function file(name: string, contents: Uint8Array | string): string {
  mkdirSync(CATALOGUE_DIR, { recursive: true });
  const path = join(CATALOGUE_DIR, name);
  writeFileSync(path, contents);
  return path;
}

/** An IDX file whose header declares `dims` (uint8) but holds only `dataBytes` bytes of data. */
function idxHeader(name: string, dims: number[], dataBytes = 0): string {
  const bytes = new Uint8Array(4 + 4 * dims.length + dataBytes);
  bytes.set([0, 0, 0x08, dims.length]);
  const view = new DataView(bytes.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return file(name, bytes);
}

/** A state file of a fresh `Linear(4, 3)`, then `edit` applied to its bytes. */
function stateFile(name: string, edit: (bytes: Uint8Array) => Uint8Array = (b) => b): string {
  core.manualSeed(0);
  return file(name, edit(nn.encodeStateFile({ model: new nn.Linear(4, 3).stateDict() })));
}

/** `bytes` with bit `bit` of byte `at` (negative counts from the end) flipped. */
function flipBit(bytes: Uint8Array, at: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  const i = at < 0 ? out.length + at : at;
  out[i] = out[i]! ^ (1 << bit);
  return out;
}

/** The names the cases see, beyond the packages' exports. */
function fixtures(): Record<string, unknown> {
  core.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  return {
    model,
    logits: core.randn([2, 3]),
    x: core.randn([2, 3]),
    y: core.randn([2, 3]),
    images: core.randn([1, 1, 4, 4]),
    labels: core.tensor([0, 2], { dtype: 'int32' }),
    opt: new nn.SGD(model.parameters(), { lr: 0.1 }),
    file,
    idxHeader,
    stateFile,
    flipBit,
    readBytes: (path: string) => new Uint8Array(readFileSync(path)),
    dir: () => {
      mkdirSync(join(CATALOGUE_DIR, 'a-directory'), { recursive: true });
      return join(CATALOGUE_DIR, 'a-directory');
    },
    tmp: (name: string) => join(CATALOGUE_DIR, name),
  };
}

/** Every name a case's code can use. */
function scope(): Record<string, unknown> {
  return { ...core, ...nn, ...node, ...fixtures() };
}

/**
 * Runs one case's code and returns what it threw (undefined if it did not throw). An expression
 * is evaluated as it is; several statements run as a function body.
 */
export function runCase(c: BadInput): unknown {
  const names = scope();
  const body = /;|\n/.test(c.code.trim().replace(/;$/, '')) ? c.code : `return (${c.code});`;
  const fn = new Function(...Object.keys(names), body) as (...args: unknown[]) => unknown;
  try {
    const out = fn(...Object.values(names));
    // a pending result is computed on first read: read it, so a lazy failure shows here
    if (out instanceof core.Tensor) void out.data;
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Removes the files the cases wrote. */
export function cleanCatalogueFiles(): void {
  rmSync(CATALOGUE_DIR, { recursive: true, force: true });
}
