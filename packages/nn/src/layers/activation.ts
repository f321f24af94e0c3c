/** Activation modules: thin wrappers over the functional forms, with PyTorch's names. */
import { full, type Tensor } from '@tapegrad/core';
import * as F from '../functional/activation.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { requireFloatDtype, requireInt } from '../util.js';

/** max(0, x). */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/** x for x > 0, `negativeSlope`·x otherwise. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** Leaky ReLU with a learned slope: one shared (`numParameters` 1) or one per channel (axis 1). */
export class PReLU extends Module {
  weight: Parameter;
  constructor(numParameters = 1, init = 0.25, options: { dtype?: 'float32' | 'float64' } = {}) {
    super();
    requireInt('PReLU', 'numParameters', numParameters);
    const dtype = requireFloatDtype('PReLU', options.dtype ?? 'float32');
    this.weight = new Parameter(full([numParameters], init, { dtype }));
  }
  override forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `numParameters=${this.weight.size}`;
  }
}

/** x for x > 0, `alpha`·(eˣ − 1) otherwise. */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x·Φ(x) (`approximate: 'none'`) or its tanh approximation. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
  }
  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** 1/(1 + e⁻ˣ). */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

/** Hyperbolic tangent. */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/** Softmax along `axis` (PyTorch's `dim`; default the last). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** log(softmax) along `axis`, stably. */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** log(1 + e^(βx))/β, and x where βx > threshold. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(options: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
  }
  override forward(x: Tensor): Tensor {
    return F.softplus(x, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
