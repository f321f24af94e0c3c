/** `pnpm start predict`: classifies every image of an IDX file with a saved model. */
import { TapegradError } from '@tapegrad/core';
import { idxImagesToTensor } from '@tapegrad/nn';
import { readIdxFile } from '@tapegrad/nn/node';
import type { PredictArgs } from './args.js';
import { loadModel } from './checkpoint.js';
import { predictClasses } from './evaluate.js';
import { layoutOf } from './models.js';
import type { Io } from './train-command.js';

/** Prints one predicted digit per line on stdout (logs on stderr); returns the digits. */
export function runPredict(args: PredictArgs, io: Io): Int32Array {
  const { architecture, model, normalization } = loadModel(args.model);
  const idx = readIdxFile(args.images);
  const pixels = idx.shape.slice(1).reduce((a, b) => a * b, 1);
  if (idx.type !== 'uint8' || idx.shape.length < 2 || pixels !== 784) {
    throw new TapegradError(
      'predict',
      `'${args.images}' holds ${idx.type} data of shape [${idx.shape.join(',')}]; expected 28×28 uint8 images, [N, 28, 28] as in MNIST's t10k-images-idx3-ubyte.`,
    );
  }
  const n = idx.shape[0]!;
  // The same standardization as in training, with the training set's statistics.
  const images = idxImagesToTensor(idx, layoutOf(architecture) === 'flat' ? [n, 784] : [n, 1, 28, 28])
    .sub(normalization.mean)
    .div(normalization.std);
  io.err.write(`classifying ${n} images with the ${architecture.kind} in ${args.model}\n`);
  const digits = predictClasses(model, images).data as Int32Array;
  if (n > 0) io.out(Array.from(digits).join('\n'));
  return digits;
}
