import {
  type DType,
  type NestedArray,
  type NestedNumbers,
  type Tensor,
  Tensor as TensorClass,
  tensor,
} from '@tapegrad/core';

/**
 * A tensor that is a learnable weight of a {@link Module}: assigning one to a module property
 * registers it, and it requires grad unless told otherwise (as `torch.nn.Parameter`). It shares the
 * buffer of the tensor it wraps.
 */
export class Parameter extends TensorClass {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.data, [...data.shape], data.dtype);
    this.label = data.label;
    if (requiresGrad) this.requiresGrad_(true);
  }
}

/** A tensor written as plain JSON: `{ shape, dtype, data }`, data nested or flat. */
export interface TensorJSON {
  shape: number[];
  dtype: DType;
  data: NestedArray | number[];
}

/** Plain JSON for a tensor: shape, dtype and flat row-major data (numbers round-trip exactly). */
export const tensorToJSON = (t: Tensor): TensorJSON => ({
  shape: [...t.shape],
  dtype: t.dtype,
  data: Array.from(t.data),
});

/** A tensor from {@link TensorJSON} (flat or nested data). */
export const tensorFromJSON = (json: TensorJSON): Tensor =>
  tensor(json.data as NestedNumbers, { dtype: json.dtype }).reshape(json.shape);
