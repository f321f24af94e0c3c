/** Running a trained model over many images, in batches, without recording gradients. */
import { fromTypedArray, noGrad, type Tensor } from '@tapegrad/core';
import type { Module } from '@tapegrad/nn';

/**
 * The predicted class of every image (`[N]` int32): the model in eval mode (no dropout), under
 * `noGrad`, `batchSize` images at a time so memory stays bounded. Restores training mode after.
 */
export function predictClasses(model: Module, images: Tensor, batchSize = 1000): Tensor {
  const n = images.shape[0] ?? 0;
  const classes = new Int32Array(n);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const batch = images.slice([[start, Math.min(start + batchSize, n)]]);
        classes.set(model.call(batch).argmax(1).data, start);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return fromTypedArray(classes, [n]);
}
