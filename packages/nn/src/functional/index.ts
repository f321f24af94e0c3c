/** Functional forms of the layers (PyTorch's `torch.nn.functional`). */
export * from './activation.js';
export { type DropoutOptions, dropout } from './dropout.js';
export { embedding } from './embedding.js';
export { linear } from './linear.js';
export { type BatchNormOptions, batchNorm, layerNorm } from './normalization.js';
