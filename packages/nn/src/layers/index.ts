/** Layers: modules with parameters, containers and activations. */
export * from './activation.js';
export {
  MultiheadAttention,
  type MultiheadAttentionCallOptions,
  type MultiheadAttentionOptions,
} from './attention.js';
export { ModuleDict, ModuleList } from './containers.js';
export { Conv2d, type Conv2dLayerOptions, MaxPool2d, type MaxPool2dLayerOptions } from './conv.js';
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv-transpose.js';
export { Conv1d, type Conv1dLayerOptions } from './conv1d.js';
export { Dropout, type DropoutLayerOptions } from './dropout.js';
export { Embedding, type EmbeddingLayerOptions } from './embedding.js';
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
export { GRU, LSTM, type RecurrentLayerOptions, RNN, type RNNOptions } from './recurrent.js';
export {
  GRUCell,
  LSTMCell,
  type RecurrentCellOptions,
  RNNCell,
  type RNNCellOptions,
} from './recurrent-cell.js';
export { Sequential } from './sequential.js';
export { Upsample } from './upsample.js';
