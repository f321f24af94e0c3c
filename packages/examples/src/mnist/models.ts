/**
 * The two MNIST models and their descriptions. A description is plain JSON saved beside the
 * weights in model.json, so `predict` can rebuild the exact model before loading its stateDict.
 */
import { type Generator, TapegradError } from '@tapegrad/core';
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tapegrad/nn';

/** A multilayer perceptron on flattened 28×28 images: 784 → hidden… → 10 with ReLU and dropout. */
export interface MlpArchitecture {
  kind: 'mlp';
  /** Hidden layer widths, e.g. `[128]`. */
  hidden: number[];
  /** Dropout probability after each hidden layer (0 for none). */
  dropout: number;
}

/**
 * A small convolutional network on `[N, 1, 28, 28]` images: two 5×5 convolutions with ReLU and
 * 2×2 max pooling (28 → 24 → 12 → 8 → 4), then a hidden dense layer with dropout and 10 outputs.
 */
export interface CnnArchitecture {
  kind: 'cnn';
  /** Output channels of the two convolutions, e.g. `[16, 32]`. */
  channels: [number, number];
  /** Width of the dense hidden layer. */
  hidden: number;
  /** Dropout probability before the output layer (0 for none). */
  dropout: number;
}

/** What model.json records about the model: enough to rebuild it. */
export type Architecture = MlpArchitecture | CnnArchitecture;

/** The default architecture of each kind. */
export const DEFAULT_ARCHITECTURES: Record<Architecture['kind'], Architecture> = {
  mlp: { kind: 'mlp', hidden: [512], dropout: 0.2 },
  cnn: { kind: 'cnn', channels: [16, 32], hidden: 128, dropout: 0.25 },
};

/** Input layout a model expects: rows of 784 pixels, or NCHW images. */
export const layoutOf = (arch: Architecture): 'flat' | 'image' => (arch.kind === 'mlp' ? 'flat' : 'image');

/** Builds the model an architecture describes; weights drawn from `generator` (or the default stream). */
export function buildModel(arch: Architecture, generator?: Generator): Sequential {
  const options = { generator };
  if (arch.kind === 'mlp') {
    const layers = [];
    let width = 784;
    for (const h of arch.hidden) {
      layers.push(new Linear(width, h, options), new ReLU());
      if (arch.dropout > 0) layers.push(new Dropout(arch.dropout, options));
      width = h;
    }
    return new Sequential(...layers, new Linear(width, 10, options));
  }
  if (arch.kind === 'cnn') {
    const [c1, c2] = arch.channels;
    return new Sequential(
      new Conv2d(1, c1, 5, options),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(c1, c2, 5, options),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(c2 * 4 * 4, arch.hidden, options),
      new ReLU(),
      ...(arch.dropout > 0 ? [new Dropout(arch.dropout, options)] : []),
      new Linear(arch.hidden, 10, options),
    );
  }
  throw new TapegradError(
    'buildModel',
    `unknown model kind '${String((arch as { kind: unknown }).kind)}'; expected 'mlp' or 'cnn'.`,
  );
}
