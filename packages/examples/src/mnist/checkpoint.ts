/** model.json: the architecture and the stateDict of a trained model, as a tapegrad state file. */
import { existsSync } from 'node:fs';
import { TapegradError } from '@tapegrad/core';
import type { Sequential } from '@tapegrad/nn';
import { loadStateFile, saveStateFile } from '@tapegrad/nn/node';
import { type Architecture, buildModel } from './models.js';

/** The identifier in every model.json, so other JSON files are refused with a clear message. */
export const FORMAT = 'tapegrad-mnist-model';

/**
 * The input normalization fitted on the training images: pixels (in [0, 1]) become
 * `(x − mean) / std` before the first layer, in training and in `predict` alike.
 */
export interface Normalization {
  mean: number;
  std: number;
}

/** A trained model as `saveModel` takes it and `loadModel` returns it. */
export interface SavedModel {
  architecture: Architecture;
  model: Sequential;
  normalization: Normalization;
}

/** What model.json keeps beside the weights, in the state file's metadata. */
export interface ModelMetadata {
  kind: typeof FORMAT;
  architecture: Architecture;
  normalization: Normalization;
  /** How the model was trained and how well it did (informational). */
  training?: Record<string, unknown>;
}

/**
 * Writes model.json: a tapegrad state file (`saveStateFile`), so it is written atomically and
 * durably, every weight comes back bit for bit, and a damaged file is refused by its checksum.
 */
export function saveModel(path: string, saved: SavedModel, training?: Record<string, unknown>): void {
  const { architecture, model, normalization } = saved;
  const metadata: ModelMetadata = { kind: FORMAT, architecture, normalization, training };
  saveStateFile(path, { model: model.stateDict(), metadata: { ...metadata } });
}

/** Rebuilds the model saved in model.json and loads its weights. */
export function loadModel(path: string): SavedModel {
  if (!existsSync(path)) {
    throw new TapegradError(
      'loadModel',
      `no model file at '${path}'; train one first with \`pnpm start\` (it writes out/model.json).`,
    );
  }
  let file: ReturnType<typeof loadStateFile>;
  try {
    file = loadStateFile(path);
  } catch (e) {
    if (!(e instanceof TapegradError)) throw e;
    throw new TapegradError(
      'loadModel',
      `'${path}' is not a model.json written by the MNIST program: ${e.message}`,
    );
  }
  const meta = file.metadata as Partial<ModelMetadata>;
  if (meta.kind !== FORMAT || !meta.architecture || !meta.normalization) {
    throw new TapegradError(
      'loadModel',
      `'${path}' is not a model.json written by the MNIST program (its metadata kind is ${String(meta.kind)}).`,
    );
  }
  const model = buildModel(meta.architecture);
  model.loadStateDict(file.model);
  model.eval();
  return { architecture: meta.architecture, model, normalization: meta.normalization };
}
