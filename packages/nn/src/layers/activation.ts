/** Activation modules: thin wrappers over the functional forms, with PyTorch's names. */
import {
  checkOptions,
  full,
  type GeluOptions,
  type OptionKeys,
  requireFinite,
  requireInteger,
  type SoftplusOptions,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';
import * as F from '../functional/activation.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { layerInput, requireFloatDtype, requireInt } from '../util.js';

/** max(0, x). */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.relu(layerInput('ReLU', x));
  }
}

/** x for x > 0, `negativeSlope`·x otherwise. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    requireFinite('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  override forward(x: Tensor): Tensor {
    return F.leakyRelu(layerInput('LeakyReLU', x), this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** Options of {@link PReLU}. */
export interface PReLUOptions {
  /** Parameter dtype: `float32` (default) or `float64`. */
  dtype?: 'float32' | 'float64';
}

const PRELU_KEYS: OptionKeys<PReLUOptions> = { dtype: true };
const GELU_KEYS: OptionKeys<GeluOptions> = { approximate: true };
const SOFTPLUS_KEYS: OptionKeys<SoftplusOptions> = { beta: true, threshold: true };

/** Leaky ReLU with a learned slope: one shared (`numParameters` 1) or one per channel (axis 1). */
export class PReLU extends Module {
  weight: Parameter;
  constructor(numParameters = 1, init = 0.25, options?: PReLUOptions) {
    super();
    const o = checkOptions('PReLU', options, PRELU_KEYS);
    requireInt('PReLU', 'numParameters', numParameters);
    requireFinite('PReLU', 'init', init);
    const dtype = requireFloatDtype('PReLU', o.dtype ?? 'float32');
    this.weight = new Parameter(full([numParameters], init, { dtype }));
  }
  override forward(x: Tensor): Tensor {
    return F.prelu(layerInput('PReLU', x, this.weight.dtype), this.weight);
  }
  override extraRepr(): string {
    return `numParameters=${this.weight.size}`;
  }
}

/** x for x > 0, `alpha`·(eˣ − 1) otherwise. */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    requireFinite('ELU', 'alpha', alpha);
  }
  override forward(x: Tensor): Tensor {
    return F.elu(layerInput('ELU', x), this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x·Φ(x) (`approximate: 'none'`) or its tanh approximation. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options?: GeluOptions) {
    super();
    this.approximate = checkOptions('GELU', options, GELU_KEYS).approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new TapegradError(
        'GELU',
        `approximate must be 'none' or 'tanh', got ${JSON.stringify(this.approximate)}.`,
      );
    }
  }
  override forward(x: Tensor): Tensor {
    return F.gelu(layerInput('GELU', x), { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** 1/(1 + e⁻ˣ). */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return F.sigmoid(layerInput('Sigmoid', x));
  }
}

/** Hyperbolic tangent. */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return F.tanh(layerInput('Tanh', x));
  }
}

/** Softmax along `axis` (PyTorch's `dim`; default the last). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
    requireInteger('Softmax', 'axis', axis, -Infinity);
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(layerInput('Softmax', x), this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** log(softmax) along `axis`, stably. */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
    requireInteger('LogSoftmax', 'axis', axis, -Infinity);
  }
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(layerInput('LogSoftmax', x), this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** log(1 + e^(βx))/β, and x where βx > threshold. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(options?: SoftplusOptions) {
    super();
    const o = checkOptions('Softplus', options, SOFTPLUS_KEYS);
    this.beta = requireFinite('Softplus', 'beta', o.beta ?? 1);
    this.threshold = requireFinite('Softplus', 'threshold', o.threshold ?? 20);
    if (this.beta === 0) throw new TapegradError('Softplus', 'beta must be non-zero, got 0.');
  }
  override forward(x: Tensor): Tensor {
    return F.softplus(layerInput('Softplus', x), { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
