/**
 * @tapegrad/core — reverse-mode automatic differentiation: a tape of scalar and tensor ops,
 * functional transforms, and tools to verify gradients.
 * @module @tapegrad/core
 */

import './ops/all.js';

export type { GeluOptions, SoftplusOptions } from './activation-options.js';
export {
  optionalTensor,
  requireFinite,
  requireInteger,
  requireTensor,
  requireTensorList,
} from './args.js';
export { BYTES_PER_ELEMENT, type ByteDType, tensorFromBytes, tensorToBytes } from './bytes.js';
export {
  assertGradcheck,
  type GradcheckEntry,
  GradcheckError,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
  type NondeterministicEntry,
} from './check/gradcheck.js';
export { assertGradgradcheck, gradgradcheck } from './check/gradgradcheck.js';
export {
  checkHandDerived,
  type HandDerivedOptions,
  type HandDerivedReport,
  type HandDerivedRow,
  type HandDiagnosis,
  type HandGradient,
  type HandGradients,
  type HandMistake,
  type HandResult,
  type HandValues,
  type HandWorst,
} from './check/hand-derived.js';
export {
  arange,
  eye,
  fromTypedArray,
  full,
  linspace,
  type NestedNumbers,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randn,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export type { Differentiable } from './differentiable.js';
export type { DType, TypedArray } from './dtype.js';
export { fmtShape, TapegradError } from './errors.js';
export { type CustomGradSpec, customGrad } from './functional/custom-grad.js';
export {
  type GradOptions,
  type GradTuple,
  grad,
  type ScalarValued,
  valueAndGrad,
} from './functional/grad.js';
export { hessian, hvp } from './functional/hessian.js';
export { jacobian } from './functional/jacobian.js';
export { type Cotangents, jvp, vjp } from './functional/vjp.js';
export { enableGrad, isGradEnabled, noGrad } from './grad-mode.js';
export { detectAnomaly } from './inspect/anomaly.js';
export { type DotOptions, toDot } from './inspect/dot.js';
export {
  type ExplainedFactor,
  type ExplainedPath,
  type ExplainOptions,
  explainGradient,
  explainGradientPaths,
  type FormulaDefinition,
  type GradientExplanation,
} from './inspect/explain.js';
export { type FormulaFormatOptions, formatFormula } from './inspect/formula-format.js';
export type { ReportFormat } from './inspect/markup.js';
export {
  type BackpropWorksheet,
  backpropWorksheet,
  type WorksheetGradient,
  type WorksheetOptions,
  type WorksheetTerm,
  type WorksheetUpdate,
  type WorksheetValue,
} from './inspect/worksheet.js';
export { crc32 } from './kernels/checksum.js';
export { getNumThreads, setNumThreads } from './kernels/threads/pool.js';
export { evaluateFormula, type Formula } from './math/formula.js';
export type { Conv2dOptions, MaxPool2dOptions } from './ops/conv.js';
export type { ConvTranspose2dOptions } from './ops/conv-transpose.js';
export type { Conv1dOptions } from './ops/conv1d.js';
export { einsum } from './ops/einsum.js';
export { erf, where } from './ops/elementwise.js';
export { linear } from './ops/matmul.js';
export { type AdamStepOptions, adamStep_ } from './ops/optim.js';
export type { AvgPool2dOptions } from './ops/pool.js';
export type { VarianceOptions } from './ops/reduce.js';
export { concat, type OneHotOptions, oneHot, stack } from './ops/shape.js';
export type { SortResult } from './ops/sort.js';
export { checkOptions, type OptionKeys } from './options.js';
export { Generator, getDefaultGenerator, manualSeed } from './random.js';
export { markComposite } from './record.js';
export { Scalar, type ScalarOptions, type ScalarTapeStats, scalar, scalarTapeStats } from './scalar.js';
export type { BackwardOptions, TapeNode } from './tape.js';
export {
  type AttrValue,
  type CompositeOp,
  type GradHook,
  type NestedArray,
  type OpAttrs,
  type RemovableHandle,
  Tensor,
} from './tensor.js';
