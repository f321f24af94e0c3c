/**
 * The names of the elementwise and reduction kernels. Kernel tables are typed by these unions
 * (`Record<UnaryOp, …>`), so adding a name without its kernel is a type error.
 */

/** Elementwise unary ops. `sign` is the constant derivative of abs; `geluTanh` is GELU's tanh form. */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'erf'
  | 'gelu'
  | 'geluTanh'
  | 'softplus'
  | 'clamp'
  | 'square';

/** Elementwise binary ops; the `*Grad` ones are fused backward rules taking (gradient, saved value). */
export type BinaryOp =
  | 'sigmoidGrad'
  | 'tanhGrad'
  | 'reluGrad'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'gt'
  | 'lt'
  | 'ge'
  | 'le';

/** Reductions along one axis. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/**
 * Unary ops without a float32 SIMD kernel: sine and cosine need a careful range reduction for
 * large arguments, and nothing hot uses them, so they stay on `Math`.
 */
export type ScalarOnlyUnaryOp = 'sin' | 'cos';

/** Unary ops with a float32 SIMD kernel. */
export type SimdUnaryOp = Exclude<UnaryOp, ScalarOnlyUnaryOp>;

/** Binary ops with a float32 SIMD kernel (`pow` has no vector form that keeps `**`'s edge cases). */
export type SimdBinaryOp = Exclude<BinaryOp, 'pow'>;
