/** Layers: modules with parameters, containers and activations. */
export * from './activation.js';
export { Conv2d, type Conv2dLayerOptions, MaxPool2d } from './conv.js';
export { Dropout } from './dropout.js';
export { Embedding } from './embedding.js';
export { Flatten } from './flatten.js';
export { Identity } from './identity.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  BatchNorm1d,
  BatchNorm2d,
  type BatchNormLayerOptions,
  LayerNorm,
  type LayerNormOptions,
} from './normalization.js';
export type { LayerOptions } from './options.js';
export { AdaptiveAvgPool2d, AvgPool2d, type AvgPool2dLayerOptions } from './pooling.js';
export { Sequential } from './sequential.js';
