/** Functional forms of the layers (PyTorch's `torch.nn.functional`). */
export * from './activation.js';
export {
  additiveMask,
  type ScaledDotProductAttentionOptions,
  scaledDotProductAttention,
} from './attention.js';
export { type DropoutOptions, dropout } from './dropout.js';
export { type EmbeddingOptions, embedding } from './embedding.js';
export { linear } from './linear.js';
export { type BatchNormOptions, batchNorm, layerNorm } from './normalization.js';
export { gru, lstm, type RecurrentOptions, type RnnOptions, rnn } from './recurrent.js';
export { gruCell, lstmCell, type RecurrentWeights, rnnCell } from './recurrent-cell.js';
export { type InterpolateOptions, interpolate } from './upsample.js';
