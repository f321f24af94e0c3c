/**
 * The trained model for other engines: model.onnx (ONNX Runtime, with the input standardization
 * inside the graph, so it takes raw pixels in [0, 1]) and model.safetensors (the weights with
 * PyTorch's names, for `torch.nn.Sequential(...).load_state_dict`).
 */
import { type Tensor, zeros } from '@tapegrad/core';
import { exportOnnx, Module, type Sequential } from '@tapegrad/nn';
import { saveSafetensors, writeFileAtomic } from '@tapegrad/nn/node';
import type { SavedModel } from './checkpoint.js';
import { layoutOf } from './models.js';

/** The network behind its input standardization: raw pixels in, logits out. */
export class StandardizedModel extends Module {
  constructor(
    readonly net: Sequential,
    readonly normalization: { mean: number; std: number },
  ) {
    super();
  }

  override forward(pixels: Tensor): Tensor {
    return this.net.call(pixels.sub(this.normalization.mean).div(this.normalization.std));
  }
}

/** Writes model.onnx: input `pixels` (`[batch, 784]` or `[batch, 1, 28, 28]`), output `logits` `[batch, 10]`. */
export function saveOnnx(path: string, saved: SavedModel): void {
  const example = zeros(layoutOf(saved.architecture) === 'flat' ? [1, 784] : [1, 1, 28, 28]);
  const bytes = exportOnnx(new StandardizedModel(saved.model, saved.normalization), example, {
    inputNames: ['pixels'],
    outputNames: ['logits'],
    dynamicAxes: { pixels: { 0: 'batch' }, logits: { 0: 'batch' } },
  });
  writeFileAtomic(path, bytes);
}

/** Writes model.safetensors: the state dict, with the architecture and normalization as metadata. */
export function saveWeights(path: string, saved: SavedModel): void {
  saveSafetensors(path, saved.model.stateDict(), {
    metadata: {
      format: 'pt',
      architecture: JSON.stringify(saved.architecture),
      normalization: JSON.stringify(saved.normalization),
    },
  });
}
