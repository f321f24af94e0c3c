/**
 * Weight initializers, as `torch.nn.init`: each fills a tensor in place (under noGrad, so
 * parameters can be initialized) and returns it. Random ones take an optional `generator`.
 */
import {
  checkOptions,
  type Generator,
  noGrad,
  type OptionKeys,
  rand,
  randn,
  requireTensor,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';
import { fmtShape } from './util.js';

/** Options shared by the random initializers. */
export interface InitOptions {
  /** A stream of its own; the default stream (see `manualSeed`) otherwise. */
  generator?: Generator;
}

/** Which fan the Kaiming initializers scale by: inputs (forward pass) or outputs (backward pass). */
export type FanMode = 'fanIn' | 'fanOut';

/** Nonlinearities known to {@link calculateGain}. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu';

const INIT_KEYS: OptionKeys<InitOptions> = { generator: true };

const floatOf = (op: string, t: Tensor): 'float32' | 'float64' => {
  requireTensor(op, 'the tensor to fill', t);
  if (t.dtype === 'int32') throw new TapegradError(op, 'needs a float tensor, got int32.');
  return t.dtype;
};

const fillFrom = (t: Tensor, source: Tensor): Tensor => noGrad(() => t.copy_(source));

/**
 * Uniform draws in [a, b). The defaults give [−1, 1), the range of the source material's
 * initializer (PyTorch's `uniform_` defaults to [0, 1): pass `a = 0` for that).
 */
export function uniform(t: Tensor, a = -1, b = 1, options?: InitOptions): Tensor {
  const { generator } = checkOptions('init.uniform', options, INIT_KEYS);
  if (!(a <= b) || !Number.isFinite(a) || !Number.isFinite(b))
    throw new TapegradError('init.uniform', `needs finite a ≤ b, got a = ${a} and b = ${b}.`);
  const u = rand(t.shape, { dtype: floatOf('init.uniform', t), generator });
  return noGrad(() => fillFrom(t, u.mul(b - a).add(a)));
}

/** Normal draws with the given mean and standard deviation. */
export function normal(t: Tensor, mean = 0, std = 1, options?: InitOptions): Tensor {
  const { generator } = checkOptions('init.normal', options, INIT_KEYS);
  if (!(std >= 0 && std < Infinity))
    throw new TapegradError('init.normal', `std must be a finite number ≥ 0, got ${std}.`);
  if (!Number.isFinite(mean))
    throw new TapegradError('init.normal', `mean must be a finite number, got ${mean}.`);
  const z = randn(t.shape, { dtype: floatOf('init.normal', t), generator });
  return noGrad(() => fillFrom(t, z.mul(std).add(mean)));
}

/** Fills with `value`. */
export const constant = (t: Tensor, value: number): Tensor => noGrad(() => t.fill_(value));
/** Fills with zeros. */
export const zeros = (t: Tensor): Tensor => constant(t, 0);
/** Fills with ones. */
export const ones = (t: Tensor): Tensor => constant(t, 1);

/**
 * The recommended gain for a nonlinearity (PyTorch's table): 1 for linear, convolutions and
 * sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leaky relu (`param` = slope, 0.01 by
 * default), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new TapegradError(
        'init.calculateGain',
        `unknown nonlinearity '${String(nonlinearity)}'; use linear, conv1d, conv2d, conv3d, sigmoid, tanh, relu, leakyRelu or selu.`,
      );
  }
}

/** `[fanIn, fanOut]` of a weight `[out, in, ...kernel]`: in·receptive field and out·receptive field. */
export function calculateFans(op: string, t: Tensor): [number, number] {
  requireTensor(op, 'the tensor', t);
  if (t.ndim < 2) {
    throw new TapegradError(
      op,
      `fan in and fan out need a tensor with at least 2 axes, got shape ${fmtShape(t.shape)}.`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/** Glorot uniform: U(−b, b) with b = gain·√(6/(fanIn+fanOut)). */
export function xavierUniform(t: Tensor, gain = 1, options?: InitOptions): Tensor {
  options = checkOptions('init.xavierUniform', options, INIT_KEYS);
  const [fanIn, fanOut] = calculateFans('init.xavierUniform', t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, options);
}

/** Glorot normal: N(0, std²) with std = gain·√(2/(fanIn+fanOut)). */
export function xavierNormal(t: Tensor, gain = 1, options?: InitOptions): Tensor {
  options = checkOptions('init.xavierNormal', options, INIT_KEYS);
  const [fanIn, fanOut] = calculateFans('init.xavierNormal', t);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/** Options of the Kaiming (He) initializers; PyTorch's defaults. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky relu that follows (0 by default). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

const KAIMING_KEYS: OptionKeys<KaimingOptions> = { ...INIT_KEYS, a: true, mode: true, nonlinearity: true };

const kaimingStd = (op: string, t: Tensor, options: KaimingOptions): number => {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' } = checkOptions(op, options, KAIMING_KEYS);
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new TapegradError(op, `mode must be 'fanIn' or 'fanOut', got '${String(mode)}'.`);
  }
  const [fanIn, fanOut] = calculateFans(op, t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
};

/** He uniform: U(−b, b) with b = gain·√(3/fan). `Linear`'s default is this with a = √5. */
export function kaimingUniform(t: Tensor, options?: KaimingOptions): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('init.kaimingUniform', t, options ?? {});
  return uniform(t, -bound, bound, { generator: options?.generator });
}

/** He normal: N(0, std²) with std = gain/√fan. */
export function kaimingNormal(t: Tensor, options?: KaimingOptions): Tensor {
  return normal(t, 0, kaimingStd('init.kaimingNormal', t, options ?? {}), { generator: options?.generator });
}
