/** model.json: the architecture and the stateDict of a trained model, written atomically. */
import { existsSync, readFileSync } from 'node:fs';
import { TapegradError } from '@tapegrad/core';
import { type Sequential, stateDictToJSON, type TensorJSON } from '@tapegrad/nn';
import { writeFileAtomic } from '@tapegrad/nn/node';
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

/** The content of model.json. */
export interface ModelFile {
  format: typeof FORMAT;
  version: 1;
  architecture: Architecture;
  normalization: Normalization;
  /** Parameters by dotted name, as `Module.stateDict()` names them. */
  stateDict: Record<string, TensorJSON>;
  /** How the model was trained and how well it did (informational). */
  training?: Record<string, unknown>;
}

/** Writes model.json atomically (a temporary file, then a rename). */
export function saveModel(path: string, saved: SavedModel, training?: Record<string, unknown>): void {
  const { architecture, model, normalization } = saved;
  const file: ModelFile = {
    format: FORMAT,
    version: 1,
    architecture,
    normalization,
    stateDict: stateDictToJSON(model.stateDict()),
    training,
  };
  writeFileAtomic(path, JSON.stringify(file));
}

/** Rebuilds the model saved in model.json and loads its weights. */
export function loadModel(path: string): SavedModel {
  if (!existsSync(path)) {
    throw new TapegradError(
      'loadModel',
      `no model file at '${path}'; train one first with \`pnpm start\` (it writes out/model.json).`,
    );
  }
  let file: Partial<ModelFile>;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Partial<ModelFile>;
  } catch (e) {
    throw new TapegradError('loadModel', `'${path}' is not valid JSON (${(e as Error).message}).`);
  }
  if (
    file.format !== FORMAT ||
    file.version !== 1 ||
    !file.architecture ||
    !file.stateDict ||
    !file.normalization
  ) {
    throw new TapegradError(
      'loadModel',
      `'${path}' is not a model.json written by the MNIST program (format ${String(file.format)}).`,
    );
  }
  const model = buildModel(file.architecture);
  model.loadStateDict(file.stateDict);
  model.eval();
  return { architecture: file.architecture, model, normalization: file.normalization };
}
