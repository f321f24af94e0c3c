/**
 * @tapegrad/nn — modules, layers, losses, optimizers, schedulers and data pipelines on top of
 * @tapegrad/core, with PyTorch's names and semantics.
 * @packageDocumentation
 */
export { clipGradNorm, clipGradValue } from './clip.js';
export * from './data/index.js';
export * from './functional/index.js';
export * as init from './init.js';
export * from './layers/index.js';
export * from './losses/index.js';
export {
  type AnyModule,
  type ForwardHook,
  type ForwardPreHook,
  isModule,
  type LoadStateDictResult,
  Module,
  type StateDict,
  stateDictToJSON,
} from './module.js';
export * from './optim/index.js';
export { Parameter, type TensorJSON, tensorFromJSON, tensorToJSON } from './parameter.js';
export * from './schedulers/index.js';
