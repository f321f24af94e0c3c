/**
 * Elementwise ops. Each forward is one kernel call; each backward, beside it, is written with
 * tensor ops so gradients of gradients work. The engine (`record`) handles numbers, dtypes and
 * summing broadcast gradients back to each input's shape.
 */
import { fmtShape, TapegradError } from '../errors.js';
import { type BinaryOp, binary, where as whereKernel } from '../kernels/binary.js';
import { type UnaryOp, unary } from '../kernels/unary.js';
import { record } from '../record.js';
import { broadcastShapes } from '../shape.js';
import { emptyTensor, Tensor } from '../tensor.js';

type Operand = Tensor | number;

const binaryForward =
  (name: string, op: BinaryOp) =>
  ([a, b]: Tensor[]): Tensor => {
    const shape = broadcastShapes(name, a!.shape, b!.shape);
    const out = emptyTensor(shape, a!.dtype);
    binary(op, a!.data, a!.shape, b!.data, b!.shape, out.data, shape);
    return out;
  };

const unaryForward =
  (op: UnaryOp, p = 0, q = 0) =>
  ([x]: Tensor[]): Tensor => {
    const out = emptyTensor(x!.shape, x!.dtype);
    unary(op, x!.data, out.data, p, q);
    return out;
  };

/** A kernel result that is a constant of the graph (masks, signs): never recorded. */
const constant = (op: UnaryOp, x: Tensor, p = 0, q = 0): Tensor => unaryForward(op, p, q)([x]);

/** Rejects int32 input to an op that only makes sense on floats, naming the op and the fix. */
export const requireFloat = (op: string, x: Tensor): Tensor => {
  if (x.dtype === 'int32') {
    throw new TapegradError(
      op,
      `needs a float tensor, got int32 of shape ${fmtShape(x.shape)}. Convert it with .float().`,
    );
  }
  return x;
};

/** Rejects a non-finite or non-number parameter (slope, alpha, beta, …), naming the op. */
const requireNumber = (op: string, name: string, v: unknown): number => {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new TapegradError(op, `${name} must be a number, got ${JSON.stringify(v) ?? String(v)}.`);
  }
  return v;
};

/** An int32 tensor as float32 (true division promotes integers, as PyTorch); others unchanged. */
const promoteInt = (x: Operand): Operand =>
  x instanceof Tensor && x.dtype === 'int32' ? x.to('float32') : x;

// --- binary: d(a+b) = (g, g); d(a·b) = (g·b, g·a); … -------------------------------------------------

/** `a + b`, broadcasting. */
export const add = (a: Operand, b: Operand): Tensor =>
  record('add', [a, b], binaryForward('add', 'add'), (g) => [g, g]);

/** `a − b`, broadcasting. */
export const sub = (a: Operand, b: Operand): Tensor =>
  record('sub', [a, b], binaryForward('sub', 'sub'), (g, _, __, needs) => [g, needs[1] ? g.neg() : null]);

/** `a · b`, broadcasting. */
export const mul = (a: Operand, b: Operand): Tensor =>
  record('mul', [a, b], binaryForward('mul', 'mul'), (g, [x, y], _, needs) => [
    needs[0] ? g.mul(y!) : null,
    needs[1] ? g.mul(x!) : null,
  ]);

/** `a / b`, broadcasting. */
export const div = (a: Operand, b: Operand): Tensor =>
  record('div', [promoteInt(a), promoteInt(b)], binaryForward('div', 'div'), (g, [x, y], _, needs) => [
    needs[0] ? g.div(y!) : null,
    needs[1] ? g.mul(x!).div(y!.square()).neg() : null,
  ]);

/**
 * `base ^ exponent`; d/dbase = e·b^(e−1), d/dexponent = b^e·ln b. As PyTorch, d/dbase is 0 where
 * e = 0 and d/dexponent is 0 where b = 0 and e ≥ 0: the formulas would give 0·∞ = NaN there.
 */
export const pow = (base: Operand, exponent: Operand): Tensor =>
  record('pow', [base, exponent], binaryForward('pow', 'pow'), (g, [x, e], out, needs) => [
    needs[0] ? where(compare('eq', e!, 0), 0, g.mul(e!).mul(x!.pow(e!.sub(1)))) : null,
    needs[1] ? where(compare('eq', x!, 0).mul(compare('ge', e!, 0)), 0, g.mul(out).mul(x!.log())) : null,
  ]);

/** Share of the gradient going to `a` in max/min: 1 where `a` wins, ½ on a tie (as PyTorch). */
const winnerShare = (a: Tensor, b: Tensor, wins: 'gt' | 'lt'): Tensor =>
  compare(wins, a, b).add(compare('eq', a, b).mul(0.5));

/** Elementwise maximum, broadcasting. */
export const maximum = (a: Operand, b: Operand): Tensor =>
  record('maximum', [a, b], binaryForward('maximum', 'maximum'), (g, [x, y]) => {
    const share = winnerShare(x!, y!, 'gt');
    return [g.mul(share), g.mul(share.neg().add(1))];
  });

/** Elementwise minimum, broadcasting. */
export const minimum = (a: Operand, b: Operand): Tensor =>
  record('minimum', [a, b], binaryForward('minimum', 'minimum'), (g, [x, y]) => {
    const share = winnerShare(x!, y!, 'lt');
    return [g.mul(share), g.mul(share.neg().add(1))];
  });

/** 1 where the comparison holds, else 0, in the operands' dtype. Not differentiable. */
export function compare(op: 'eq' | 'gt' | 'lt' | 'ge' | 'le', a: Operand, b: Operand): Tensor {
  const at = a instanceof Tensor ? a : Tensor.fromNumber(a, b instanceof Tensor ? b.dtype : 'float32');
  const bt = b instanceof Tensor ? b : Tensor.fromNumber(b, at.dtype);
  const dtype =
    at.dtype === bt.dtype
      ? at.dtype
      : at.dtype === 'float64' || bt.dtype === 'float64'
        ? 'float64'
        : 'float32';
  const shape = broadcastShapes(op, at.shape, bt.shape);
  const out = emptyTensor(shape, dtype);
  binary(op, at.data, at.shape, bt.data, bt.shape, out.data, shape);
  return out;
}

/**
 * `condition ? a : b` elementwise, all three broadcast together. The condition is a 0/1 tensor
 * (from `eq`, `gt`, `lt`, …); it gets no gradient.
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  if (!(condition instanceof Tensor)) {
    throw new TapegradError('where', 'condition must be a Tensor of 0/1 values (e.g. from x.gt(0)).');
  }
  return record(
    'where',
    [a, b],
    ([x, y]) => {
      const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, x!.shape), y!.shape);
      const out = emptyTensor(shape, x!.dtype);
      whereKernel(condition.data, condition.shape, x!.data, x!.shape, y!.data, y!.shape, out.data, shape);
      return out;
    },
    (g, _, __, needs) => [needs[0] ? where(condition, g, 0) : null, needs[1] ? where(condition, 0, g) : null],
  );
}

// --- unary --------------------------------------------------------------------------------------------

/** `−x`. */
export const neg = (x: Tensor): Tensor => record('neg', [x], unaryForward('neg'), (g) => [g.neg()]);

/** `e^x`; the derivative is the output itself. */
export const exp = (x: Tensor): Tensor =>
  record('exp', [requireFloat('exp', x)], unaryForward('exp'), (g, _, out) => [g.mul(out)]);

/** Natural logarithm. */
export const log = (x: Tensor): Tensor =>
  record('log', [requireFloat('log', x)], unaryForward('log'), (g, [a]) => [g.div(a!)]);

/** Square root; d = 1/(2√x). */
export const sqrt = (x: Tensor): Tensor =>
  record('sqrt', [requireFloat('sqrt', x)], unaryForward('sqrt'), (g, _, out) => [g.div(out.mul(2))]);

/** `x²`; d = 2x. */
export const square = (x: Tensor): Tensor =>
  record('square', [x], unaryForward('square'), (g, [a]) => [g.mul(a!).mul(2)]);

/** |x|; d = sign(x), 0 at 0. */
export const abs = (x: Tensor): Tensor =>
  record('abs', [x], unaryForward('abs'), (g, [a]) => [g.mul(constant('sign', a!))]);

/** Sine; d = cos x. */
export const sin = (x: Tensor): Tensor =>
  record('sin', [requireFloat('sin', x)], unaryForward('sin'), (g, [a]) => [g.mul(a!.cos())]);

/** Cosine; d = −sin x. */
export const cos = (x: Tensor): Tensor =>
  record('cos', [requireFloat('cos', x)], unaryForward('cos'), (g, [a]) => [g.mul(a!.sin()).neg()]);

/** tanh; d = 1 − tanh². */
export const tanh = (x: Tensor): Tensor =>
  record('tanh', [requireFloat('tanh', x)], unaryForward('tanh'), (g, _, out) => [tanhBackward(g, out)]);

/** `g·(1 − t²)` from tanh's output `t` in one pass; linear in `g`, and d/dt = −2·g·t. */
const tanhBackward = (g: Tensor, t: Tensor): Tensor =>
  record('tanhBackward', [g, t], binaryForward('tanhBackward', 'tanhGrad'), (c, [dg, out], _, needs) => [
    needs[0] ? tanhBackward(c, out!) : null,
    needs[1] ? c.mul(dg!).mul(out!).mul(-2) : null,
  ]);

/** Logistic sigmoid; d = σ(1 − σ). */
export const sigmoid = (x: Tensor): Tensor =>
  record('sigmoid', [requireFloat('sigmoid', x)], unaryForward('sigmoid'), (g, _, out) => [
    sigmoidBackward(g, out),
  ]);

/** `g·σ(1 − σ)` from the sigmoid's output in one pass; linear in `g`, and d/dσ = g·(1 − 2σ). */
const sigmoidBackward = (g: Tensor, s: Tensor): Tensor =>
  record(
    'sigmoidBackward',
    [g, s],
    binaryForward('sigmoidBackward', 'sigmoidGrad'),
    (c, [dg, out], _, needs) => [
      needs[0] ? sigmoidBackward(c, out!) : null,
      needs[1] ? c.mul(dg!).mul(out!.mul(-2).add(1)) : null,
    ],
  );

/** max(0, x); d = 1 where x > 0 (0 at 0). */
export const relu = (x: Tensor): Tensor =>
  record('relu', [x], unaryForward('relu'), (g, [a]) => [reluBackward(g, a!)]);

/** `g` where `x > 0`, else 0, in one pass; linear in `g`, and zero almost everywhere in `x`. */
const reluBackward = (g: Tensor, x: Tensor): Tensor =>
  record('reluBackward', [g, x], binaryForward('reluBackward', 'reluGrad'), (c, [, a], _, needs) => [
    needs[0] ? reluBackward(c, a!) : null,
    null,
  ]);

/** x for x > 0, slope·x otherwise; d = slope at 0 (as PyTorch). */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor =>
  record(
    'leakyRelu',
    [x],
    unaryForward('leakyRelu', requireNumber('leakyRelu', 'slope', slope)),
    (g, [a]) => [g.mul(constant('step', a!, slope))],
  );

/** x for x > 0, α(e^x − 1) otherwise; d = α e^x = out + α on the negative side (α at 0). */
export const elu = (x: Tensor, alpha = 1): Tensor =>
  record(
    'elu',
    [requireFloat('elu', x)],
    unaryForward('elu', requireNumber('elu', 'alpha', alpha)),
    (g, [a], out) => [g.mul(where(constant('step', a!, 0), 1, out.add(alpha)))],
  );

/** The error function, differentiable: d erf(x) = 2/√π · e^(−x²). */
export const erf = (x: Tensor): Tensor =>
  record('erf', [requireFloat('erf', x)], unaryForward('erf'), (g, [a]) => [
    g.mul(
      a!
        .square()
        .neg()
        .exp()
        .mul(2 / Math.sqrt(Math.PI)),
    ),
  ]);

const normalCdf = (x: Tensor): Tensor => erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
const normalPdf = (x: Tensor): Tensor =>
  x
    .square()
    .mul(-0.5)
    .exp()
    .mul(1 / Math.sqrt(2 * Math.PI));
const GELU_K = Math.sqrt(2 / Math.PI);

/** GELU: x·Φ(x) exactly, or `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))` with `approximate: 'tanh'`. */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  requireFloat('gelu', x);
  if (approximate === 'none') {
    return record('gelu', [x], unaryForward('gelu'), (g, [a]) => [
      g.mul(normalCdf(a!).add(a!.mul(normalPdf(a!)))),
    ]);
  }
  if (approximate !== 'tanh') {
    throw new TapegradError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'.`);
  }
  return record('gelu', [x], unaryForward('geluTanh'), (g, [a]) => {
    const t = a!.add(a!.pow(3).mul(0.044715)).mul(GELU_K).tanh();
    const dInner = a!
      .square()
      .mul(3 * 0.044715)
      .add(1)
      .mul(GELU_K);
    return [
      g.mul(
        t
          .add(1)
          .mul(0.5)
          .add(a!.mul(0.5).mul(t.square().neg().add(1)).mul(dInner)),
      ),
    ];
  });
}

/** log(1 + e^(βx))/β, and exactly x where βx > threshold (PyTorch's rule); d = σ(βx) there, 1 above. */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const { beta = 1, threshold = 20 } = options;
  requireNumber('softplus', 'beta', beta);
  requireNumber('softplus', 'threshold', threshold);
  if (beta === 0) throw new TapegradError('softplus', 'beta must be non-zero.');
  return record(
    'softplus',
    [requireFloat('softplus', x)],
    unaryForward('softplus', beta, threshold),
    (g, [a]) => {
      const bx = a!.mul(beta);
      return [g.mul(where(compare('gt', bx, threshold), 1, bx.sigmoid()))];
    },
  );
}

/** Clamps into [min, max] (either bound may be undefined); d = 1 inside, bounds inclusive. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  if (min === undefined && max === undefined) {
    throw new TapegradError('clamp', 'needs at least one of min and max.');
  }
  const lo = min === undefined ? -Infinity : requireNumber('clamp', 'min', min);
  const hi = max === undefined ? Infinity : requireNumber('clamp', 'max', max);
  if (lo > hi) throw new TapegradError('clamp', `min ${lo} is greater than max ${hi}.`);
  return record('clamp', [x], unaryForward('clamp', lo, hi), (g, [a]) => [
    g.mul(constant('insideMask', a!, lo, hi)),
  ]);
}
