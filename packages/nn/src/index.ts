/**
 * @tapegrad/nn — modules, layers, losses, optimizers, schedulers and data pipelines on top of
 * @tapegrad/core, with PyTorch's names and semantics.
 * @module @tapegrad/nn
 */
export { type ClipGradNormOptions, clipGradNorm, clipGradValue } from './clip.js';
export * from './data/index.js';
export * from './functional/index.js';
/** Weight initializers, as `torch.nn.init`: `init.kaimingUniform(w)`, `init.xavierNormal(w)`, … */
export * as init from './init.js';
export {
  fromSafetensors,
  type Safetensors,
  type ToSafetensorsOptions,
  toSafetensors,
} from './io/safetensors.js';
export {
  decodeStateFile,
  encodeStateFile,
  type LoadedStateFile,
  STATE_FILE_FORMAT,
  STATE_FILE_VERSION,
  type StateFileContents,
} from './io/state-file.js';
export * from './layers/index.js';
export * from './losses/index.js';
export {
  type AnyModule,
  type ForwardHook,
  type ForwardPreHook,
  isModule,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type RegisterBufferOptions,
  type StateDict,
  stateDictToJSON,
} from './module.js';
export {
  type Exportable,
  type ExportOnnxOptions,
  exportOnnx,
  ONNX_OPS,
} from './onnx/export.js';
export * from './optim/index.js';
export { Parameter, type TensorJSON, tensorFromJSON, tensorToJSON } from './parameter.js';
export * from './schedulers/index.js';
export type { ZeroGradOptions } from './zero-grad.js';
