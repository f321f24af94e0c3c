import {
  checkOptions,
  fmtShape,
  type OptionKeys,
  requireTensor,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';

/** How a loss combines per-element terms: their mean (default), their sum, or none (the terms). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. */
export interface ReductionOptions {
  reduction?: Reduction;
}

/** The keys of {@link ReductionOptions}, spread into each loss's own key list. */
export const REDUCTION_KEYS: OptionKeys<ReductionOptions> = { reduction: true };

/**
 * The checks every loss runs first: `options` holds only `keys`, and `input` and `target` are
 * Tensors (a plain array of labels is named as such, with the fix). Returns the options.
 */
export function lossArguments<O extends object>(
  loss: string,
  input: Tensor,
  target: Tensor,
  options: O | undefined,
  keys: OptionKeys<O>,
): O {
  const o = checkOptions(loss, options, keys);
  requireTensor(loss, 'the input', input);
  requireTensor(loss, 'the target', target);
  return o;
}

/** Validates and returns the reduction (default `'mean'`). */
export function reductionOf(
  loss: string,
  options: { reduction?: string },
  allowed = ['mean', 'sum', 'none'],
): string {
  const r = options.reduction ?? 'mean';
  if (!allowed.includes(r)) {
    throw new TapegradError(
      loss,
      `reduction must be ${allowed.map((a) => `'${a}'`).join(', ')}, got '${r}'.`,
    );
  }
  return r;
}

/**
 * Applies `'sum'`, `'none'` or `'mean'`: the sum divided by `denominator`, by default the number of
 * elements. Losses whose mean is over something else (Σ of class weights, the batch size) pass it.
 */
export function reduce(terms: Tensor, reduction: string, denominator?: Tensor | number): Tensor {
  if (reduction === 'sum') return terms.sum();
  if (reduction === 'mean') return denominator === undefined ? terms.mean() : terms.sum().div(denominator);
  return terms;
}

/** Throws unless input and target have the same shape. */
export function requireSameShape(loss: string, input: Tensor, target: Tensor): void {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new TapegradError(
      loss,
      `input shape ${fmtShape(input.shape)} and target shape ${fmtShape(target.shape)} must be equal.`,
    );
  }
}

/** Throws unless `t` is a float tensor (class-index targets go to crossEntropy/nllLoss). */
export function requireFloat(loss: string, name: string, t: Tensor): void {
  if (t.dtype === 'int32') {
    throw new TapegradError(loss, `${name} must be a float tensor, got int32 of shape ${fmtShape(t.shape)}.`);
  }
}
