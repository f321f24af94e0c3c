/** The browser-safe data pipeline: IDX parsing, datasets, loaders, preprocessing and metrics. */
export { type Dataset, TensorDataset } from './dataset.js';
export {
  type IdxArray,
  type IdxData,
  type IdxType,
  idxImagesToTensor,
  idxToTensor,
  readIdx,
  writeIdx,
} from './idx.js';
export { DataLoader, type DataLoaderOptions } from './loader.js';
export { accuracy, confusionMatrix, formatConfusionMatrix } from './metrics.js';
export { MinMaxScaler, type MinMaxScalerOptions } from './minmax.js';
export { randomSplit, Subset } from './split.js';
export { Standardizer, type StandardizerOptions } from './standardizer.js';
export { Whitener, type WhitenerOptions } from './whitener.js';
