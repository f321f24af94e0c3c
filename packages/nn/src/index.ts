/**
 * @tapegrad/nn — modules, layers, losses, optimizers, schedulers and data pipelines on top of
 * @tapegrad/core, with PyTorch's names and semantics.
 * @packageDocumentation
 */
export * from './data/index.js';
