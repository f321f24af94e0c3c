/**
 * W7: one MNIST epoch of the docs' CNN, Conv2d(1,16,5) → ReLU → MaxPool2d(2) → Conv2d(16,32,5) →
 * ReLU → MaxPool2d(2) → Flatten → Linear(512,128) → ReLU → Linear(128,10), Adam lr 1e-3,
 * batch 64, the same initial weights and batch order for every system.
 */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tapegrad/nn';
import type * as TF from '@tensorflow/tfjs';
import { epochReps, epochRow } from './epoch.js';
import type { System } from './harness.js';
import type { ParamSpec, TrainerFactory } from './mnist.js';
import { tfjs } from './peers.js';
import { tapegradTrainer, tfjsTrainer } from './w3-mnist-mlp.js';

/** The CNN's parameters in PyTorch's layouts (conv weights `[O, C, KH, KW]`, Linear `[out, in]`). */
export const W7_PARAMS: ParamSpec[] = [
  { shape: [16, 1, 5, 5], fanIn: 25 },
  { shape: [16], fanIn: 25 },
  { shape: [32, 16, 5, 5], fanIn: 400 },
  { shape: [32], fanIn: 400 },
  { shape: [128, 512], fanIn: 512 },
  { shape: [128], fanIn: 512 },
  { shape: [10, 128], fanIn: 128 },
  { shape: [10], fanIn: 128 },
];

const cnn = () =>
  new Sequential(
    new Conv2d(1, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(16, 32, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(512, 128),
    new ReLU(),
    new Linear(128, 10),
  );

/**
 * A stride-1 'valid' conv2d that TF.js's wasm backend can train: it registers no
 * Conv2DBackpropFilter kernel, so the filter gradient is itself a conv2d (batch and channel axes
 * swapped: `dk[a,b,c,o] = Σ_{n,i,j} x[n,a+i,b+j,c]·dy[n,i,j,o]`) and every part of the step
 * runs in the backend's own XNNPACK convolutions.
 */
function trainableConv2d(): (x: TF.Tensor4D, k: TF.Tensor4D) => TF.Tensor4D {
  const tf = tfjs();
  return tf.customGrad((...args: (TF.Tensor | TF.GradSaveFunc)[]) => {
    const [xs, ks, save] = args as [TF.Tensor4D, TF.Tensor4D, TF.GradSaveFunc];
    save([xs, ks]);
    return {
      value: tf.conv2d(xs, ks, 1, 'valid'),
      gradFunc: (dy, saved) => {
        const [sx, sk] = saved as [TF.Tensor4D, TF.Tensor4D];
        const g = dy as TF.Tensor4D;
        const dx = tf.conv2dTranspose(g, sk, sx.shape, 1, 'valid');
        const xT = sx.transpose([3, 1, 2, 0]) as TF.Tensor4D;
        const dk = tf.conv2d(xT, g.transpose([1, 2, 0, 3]) as TF.Tensor4D, 1, 'valid');
        return [dx, dk.transpose([1, 2, 0, 3])];
      },
    };
  }) as (x: TF.Tensor4D, k: TF.Tensor4D) => TF.Tensor4D;
}

/**
 * The same CNN in TF.js, which computes convolutions in NHWC: conv weights become
 * `[KH, KW, C, O]`, and the first dense layer's rows are reordered from PyTorch's (c, h, w)
 * flattening to TF.js's (h, w, c).
 */
function tfjsCnn(weights: Float32Array[]): { params: TF.Variable[]; forward: (x: TF.Tensor) => TF.Tensor } {
  const tf = tfjs();
  const [cw1, cb1, cw2, cb2, w3, b3, w4, b4] = weights as Float32Array[] as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const convKernel = (w: Float32Array, o: number, c: number) =>
    tf.variable(tf.tensor4d(w, [o, c, 5, 5]).transpose([2, 3, 1, 0]));
  const dense1 = tf.variable(tf.tensor4d(w3, [128, 32, 4, 4]).transpose([2, 3, 1, 0]).reshape([512, 128]));
  const params = [
    convKernel(cw1, 16, 1),
    tf.variable(tf.tensor1d(cb1)),
    convKernel(cw2, 32, 16),
    tf.variable(tf.tensor1d(cb2)),
    dense1,
    tf.variable(tf.tensor1d(b3)),
    tf.variable(tf.tensor2d(w4, [10, 128]).transpose()),
    tf.variable(tf.tensor1d(b4)),
  ];
  const [k1, c1, k2, c2, k3, c3, k4, c4] = params as [
    TF.Variable,
    TF.Variable,
    TF.Variable,
    TF.Variable,
    TF.Variable,
    TF.Variable,
    TF.Variable,
    TF.Variable,
  ];
  const conv = trainableConv2d();
  const block = (x: TF.Tensor4D, k: TF.Variable, c: TF.Variable) =>
    tf.maxPool(tf.relu(tf.add(conv(x, k as TF.Tensor as TF.Tensor4D), c)) as TF.Tensor4D, 2, 2, 'valid');
  const forward = (x: TF.Tensor) => {
    const h = block(block(x.reshape([-1, 28, 28, 1]) as TF.Tensor4D, k1, c1), k2, c2).reshape([-1, 512]);
    return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h, k3), c3)), k4), c4);
  };
  return { params, forward };
}

/** The trainers of W7, per system. */
export const w7Trainers: Partial<Record<System, TrainerFactory>> = {
  tapegrad: async (data, weights) => tapegradTrainer(cnn(), data, [1, 28, 28], weights),
  'tfjs-wasm': async (data, weights) => {
    const { params, forward } = tfjsCnn(weights);
    return tfjsTrainer(data, [784], params, forward);
  },
};

export async function w7(systems: readonly System[]): Promise<string[]> {
  const here = systems.filter((s) => w7Trainers[s] !== undefined);
  return [epochRow('W7 MNIST CNN epoch (s, test acc., peak RSS)', 'W7', here, epochReps(1))];
}
