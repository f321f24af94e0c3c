/** Input checks shared by the preprocessing transforms, so their errors read alike. */
import { requireTensor, TapegradError, type Tensor } from '@tapegrad/core';

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

/**
 * Checks that `x` is a float tensor of samples along axis 0 (at least `minSamples` of them, and
 * exactly `rank` axes when given) and returns it.
 */
export function checkSamples(op: string, x: Tensor, minSamples: number, rank?: number): Tensor {
  requireTensor(op, 'the data (samples along axis 0)', x);
  if (x.dtype === 'int32') {
    throw new TapegradError(
      op,
      `expects float data, got int32 of shape ${fmt(x.shape)}; convert with x.float().`,
    );
  }
  if (x.ndim === 0 || (rank !== undefined && x.ndim !== rank)) {
    throw new TapegradError(
      op,
      `expects ${rank === 2 ? 'a 2-D [samples, features] tensor' : 'samples along axis 0'}, got shape ${fmt(x.shape)}${rank === 2 ? '; flatten images with x.flatten(1)' : ''}.`,
    );
  }
  if (x.shape[0]! < minSamples) {
    throw new TapegradError(op, `needs at least ${minSamples} samples to fit, got shape ${fmt(x.shape)}.`);
  }
  return x;
}

/** Throws unless the transform was fitted and `x`'s feature axes match the fitted data's. */
export function checkFitted(op: string, fittedShape: readonly number[] | null, x: Tensor): readonly number[] {
  if (fittedShape === null) {
    throw new TapegradError(op, 'is not fitted yet; call fit(trainData) first, then transform other data.');
  }
  checkSamples(op, x, 0);
  const features = x.shape.slice(1);
  if (features.length !== fittedShape.length || features.some((d, i) => d !== fittedShape[i])) {
    throw new TapegradError(
      op,
      `was fitted on samples of shape ${fmt(fittedShape)}, got data of shape ${fmt(x.shape)} (samples of ${fmt(features)}).`,
    );
  }
  return fittedShape;
}

/** Replaces zeros by ones, so a constant feature is shifted but not divided by zero. */
export const nonZero = (scale: Tensor): Tensor => scale.add(scale.eq(0));
