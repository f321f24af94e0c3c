/**
 * `@tapegrad/nn/node` — the Node-only part of tapegrad: file access (IDX files, MNIST, atomic
 * writes, safetensors files) and a terminal progress bar. Everything else is in `@tapegrad/nn`,
 * which runs in a browser unchanged.
 * @module @tapegrad/nn/node
 */
export { type ReadIdxFileOptions, readIdxFile, writeFileAtomic } from './data/node/files.js';
export {
  type LoadMnistOptions,
  loadMnist,
  type Mnist,
  type MnistSplit,
} from './data/node/mnist.js';
export {
  ProgressBar,
  type ProgressBarOptions,
  type ProgressState,
  type ProgressStream,
} from './data/node/progress.js';
export { loadSafetensors, saveSafetensors } from './io/node/safetensors-file.js';
export { loadStateFile, saveStateFile } from './io/node/state-file.js';
