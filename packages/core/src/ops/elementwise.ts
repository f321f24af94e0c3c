/**
 * Elementwise ops on tensors. The maths of each — its value and its local derivative — is the
 * op's rule in `math/rules.ts`, shared with Scalar: float64 tensors apply the rule element by
 * element, float32 runs the fast kernels. A one-input op's backward is one fused pass when nothing
 * records it, and the rule evaluated in tensor ops when it is recorded (gradients of gradients).
 * The engine (`record`) handles numbers, dtypes and summing broadcast gradients back.
 */
import { GELU_KEYS, type GeluOptions, SOFTPLUS_KEYS, type SoftplusOptions } from '../activation-options.js';
import { requireOperand, requireTensor } from '../args.js';
import { fmtShape, requireNumber, TapegradError } from '../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import { type BinaryOp as BinaryKernel, binary, where as whereKernel } from '../kernels/binary.js';
import { applyBinary, applyUnary, applyUnaryGrad } from '../kernels/rules.js';
import { unary } from '../kernels/unary.js';
import { fuse, fusible } from '../lazy.js';
import type { Algebra, Value } from '../math/algebra.js';
import { NUMBERS } from '../math/numbers.js';
import { BINARY_RULES, type BinaryRule, UNARY_RULES, type UnaryRule } from '../math/rules.js';
import { checkOptions } from '../options.js';
import { record } from '../record.js';
import { broadcastShapes } from '../shape.js';
import { emptyTensor, type OpAttrs, Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';

type Operand = Tensor | number;

/** Rejects int32 input to an op that only makes sense on floats, naming the op and the fix. */
export const requireFloat = (op: string, x: Tensor): Tensor => {
  if (!(x instanceof Tensor)) requireTensor(op, 'the input', x);
  if (x.dtype === 'int32') {
    throw new TapegradError(
      op,
      `needs a float tensor, got int32 of shape ${fmtShape(x.shape)}. Convert it with .float().`,
    );
  }
  return x;
};

// --- one input -----------------------------------------------------------------------------------------

/**
 * Records `rule` applied to `x` (published as `name`), forward beside backward; `attrs` are the
 * op's parameters as exporters read them (`{ slope }` for leakyRelu).
 */
function unaryOp(
  rule: UnaryRule,
  x: Tensor,
  p = 0,
  q = 0,
  name: string = rule.name,
  attrs?: OpAttrs,
): Tensor {
  return record(
    name,
    [x],
    ([a]) => {
      const lazy = fuse({ kind: 'unary', rule, p, q }, [a!], a!.shape, a!.dtype);
      if (lazy) return lazy;
      const out = emptyTensor(a!.shape, a!.dtype);
      if (a!.dtype === 'float64') applyUnary(rule, a!.data, out.data, p, q);
      else unary(rule.name, a!.data, out.data, p, q);
      return out;
    },
    (g, [a], out) => [unaryBackward(rule, g, a!, out, p, q)],
    attrs,
  );
}

/** The float32 one-pass backward kernels (faster than the rule loop); float64 always uses the rule. */
const FUSED_F32: Partial<Record<string, BinaryKernel>> = {
  sigmoid: 'sigmoidGrad',
  tanh: 'tanhGrad',
  relu: 'reluGrad',
};

/**
 * `g · f′(x)`: the rule in tensor ops when recording or when the result would be left pending (then
 * it fuses with whatever uses it), else one pass over the elements.
 */
function unaryBackward(rule: UnaryRule, g: Tensor, x: Tensor, out: Tensor, p: number, q: number): Tensor {
  if (!isGradEnabled() && x.dtype === 'float32' && rule.name in FUSED_F32) {
    const lazy = fuse({ kind: 'unaryGrad', rule, p, q }, [g, x, out], x.shape, x.dtype);
    if (lazy) return lazy;
  }
  if (isGradEnabled() || fusible(x.size, x.dtype)) return times(g, rule.grad(TENSORS, x, out, p, q));
  const dx = emptyTensor(x.shape, g.dtype);
  const fused = g.dtype === 'float32' ? FUSED_F32[rule.name] : undefined;
  if (fused)
    binary(fused, g.data, g.shape, fused === 'reluGrad' ? x.data : out.data, x.shape, dx.data, dx.shape);
  else applyUnaryGrad(rule, g.data, x.data, out.data, dx.data, p, q);
  return dx;
}

/** `g · d` for a local derivative that may be a plain number. */
function times(g: Tensor, d: Value<Tensor>): Tensor {
  if (d === 1) return g;
  if (d === -1) return neg(g);
  return mul(g, d);
}

const U = UNARY_RULES;

/** `−x`. */
export const neg = (x: Tensor): Tensor => unaryOp(U.neg, x);
/** `e^x`. */
export const exp = (x: Tensor): Tensor => unaryOp(U.exp, requireFloat('exp', x));
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => unaryOp(U.log, requireFloat('log', x));
/** log(1 + x), accurate near 0. */
export const log1p = (x: Tensor): Tensor => unaryOp(U.log1p, requireFloat('log1p', x));
/** e^x − 1, accurate near 0. */
export const expm1 = (x: Tensor): Tensor => unaryOp(U.expm1, requireFloat('expm1', x));
/** Square root. */
export const sqrt = (x: Tensor): Tensor => unaryOp(U.sqrt, requireFloat('sqrt', x));
/** `x²`. */
export const square = (x: Tensor): Tensor => unaryOp(U.square, x);
/** |x|, gradient 0 at 0. */
export const abs = (x: Tensor): Tensor => unaryOp(U.abs, x);
/** Sine. */
export const sin = (x: Tensor): Tensor => unaryOp(U.sin, requireFloat('sin', x));
/** Cosine. */
export const cos = (x: Tensor): Tensor => unaryOp(U.cos, requireFloat('cos', x));
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => unaryOp(U.tanh, requireFloat('tanh', x));
/** Logistic sigmoid, overflow-free. */
export const sigmoid = (x: Tensor): Tensor => unaryOp(U.sigmoid, requireFloat('sigmoid', x));
/** max(0, x), gradient 0 at 0. */
export const relu = (x: Tensor): Tensor => unaryOp(U.relu, x);
/** The error function, differentiable. */
export const erf = (x: Tensor): Tensor => unaryOp(U.erf, requireFloat('erf', x));

/** x for x > 0, slope·x otherwise (gradient `slope` at 0, as PyTorch). */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor =>
  unaryOp(U.leakyRelu, x, requireNumber('leakyRelu', 'slope', slope), 0, 'leakyRelu', { slope });

/** x for x > 0, α(e^x − 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor =>
  unaryOp(U.elu, requireFloat('elu', x), requireNumber('elu', 'alpha', alpha), 0, 'elu', { alpha });

/** GELU: x·Φ(x) exactly, or `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))` with `approximate: 'tanh'`. */
export function gelu(x: Tensor, options?: GeluOptions): Tensor {
  const approximate = checkOptions('gelu', options, GELU_KEYS).approximate ?? 'none';
  requireFloat('gelu', x);
  if (approximate === 'none') return unaryOp(U.gelu, x, 0, 0, 'gelu', { approximate });
  if (approximate === 'tanh') return unaryOp(U.geluTanh, x, 0, 0, 'gelu', { approximate });
  throw new TapegradError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'.`);
}

/** log(1 + e^(βx))/β, and exactly x where βx > threshold (PyTorch's rule). */
export function softplus(x: Tensor, options?: SoftplusOptions): Tensor {
  const { beta = 1, threshold = 20 } = checkOptions('softplus', options, SOFTPLUS_KEYS);
  requireNumber('softplus', 'beta', beta);
  requireNumber('softplus', 'threshold', threshold);
  if (beta === 0) throw new TapegradError('softplus', 'beta must be non-zero.');
  return unaryOp(U.softplus, requireFloat('softplus', x), beta, threshold, 'softplus', { beta, threshold });
}

/** Clamps into [min, max] (either bound may be undefined); gradient 1 inside, bounds inclusive. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  if (min === undefined && max === undefined) {
    throw new TapegradError('clamp', 'needs at least one of min and max.');
  }
  const lo = min === undefined ? -Infinity : requireNumber('clamp', 'min', min);
  const hi = max === undefined ? Infinity : requireNumber('clamp', 'max', max);
  if (lo > hi) throw new TapegradError('clamp', `min ${lo} is greater than max ${hi}.`);
  return unaryOp(U.clamp, x, lo, hi, 'clamp', { min: min ?? null, max: max ?? null });
}

// --- two inputs ----------------------------------------------------------------------------------------

/** Records `rule` on `a` and `b` broadcast together; each input's gradient is `g ·` its rule. */
function binaryOp(rule: BinaryRule, a: Operand, b: Operand): Tensor {
  return record(
    rule.name,
    [a, b],
    ([x, y]) => {
      const shape = broadcastShapes(rule.name, x!.shape, y!.shape);
      const lazy = fuse({ kind: 'binary', rule }, [x!, y!], shape, x!.dtype);
      if (lazy) return lazy;
      const out = emptyTensor(shape, x!.dtype);
      if (x!.dtype === 'float64') applyBinary(rule, x!.data, x!.shape, y!.data, y!.shape, out.data, shape);
      else binary(rule.name, x!.data, x!.shape, y!.data, y!.shape, out.data, shape);
      return out;
    },
    (g, [x, y], out, needs) => [
      needs[0] ? times(g, rule.grad(TENSORS, x!, y!, out, 0)) : null,
      needs[1] ? times(g, rule.grad(TENSORS, x!, y!, out, 1)) : null,
    ],
  );
}

/** An int32 tensor as float32 (true division promotes integers, as PyTorch); others unchanged. */
const promoteInt = (x: Operand): Operand =>
  x instanceof Tensor && x.dtype === 'int32' ? x.to('float32') : x;

const B = BINARY_RULES;

/** `a + b`, broadcasting. */
export const add = (a: Operand, b: Operand): Tensor => binaryOp(B.add, a, b);
/** `a − b`, broadcasting. */
export const sub = (a: Operand, b: Operand): Tensor => binaryOp(B.sub, a, b);
/** `a · b`, broadcasting. */
export const mul = (a: Operand, b: Operand): Tensor => binaryOp(B.mul, a, b);
/** `a / b`, broadcasting; integers promote to float32. */
export const div = (a: Operand, b: Operand): Tensor => binaryOp(B.div, promoteInt(a), promoteInt(b));
/** `base ^ exponent`, broadcasting; at 0^0 both gradients are 0, as PyTorch. */
export const pow = (base: Operand, exponent: Operand): Tensor => binaryOp(B.pow, base, exponent);
/** Elementwise maximum, broadcasting; a tie splits the gradient equally. */
export const maximum = (a: Operand, b: Operand): Tensor => binaryOp(B.maximum, a, b);
/** Elementwise minimum, broadcasting; a tie splits the gradient equally. */
export const minimum = (a: Operand, b: Operand): Tensor => binaryOp(B.minimum, a, b);

// --- no gradient -------------------------------------------------------------------------------------

/** 1 where the comparison holds, else 0, in the operands' dtype. Not differentiable. */
export function compare(op: 'eq' | 'gt' | 'lt' | 'ge' | 'le', a: Operand, b: Operand): Tensor {
  requireOperand(op, 'the first operand', a);
  requireOperand(op, 'the second operand', b);
  const at = a instanceof Tensor ? a : Tensor.fromNumber(a, b instanceof Tensor ? b.dtype : 'float32');
  const bt = b instanceof Tensor ? b : Tensor.fromNumber(b, at.dtype);
  const dtype =
    at.dtype === bt.dtype
      ? at.dtype
      : at.dtype === 'float64' || bt.dtype === 'float64'
        ? 'float64'
        : 'float32';
  const shape = broadcastShapes(op, at.shape, bt.shape);
  const lazy = fuse({ kind: 'compare', op }, [at, bt], shape, dtype);
  if (lazy) return lazy;
  const out = emptyTensor(shape, dtype);
  binary(op, at.data, at.shape, bt.data, bt.shape, out.data, shape);
  return out;
}

/**
 * `condition ? a : b` elementwise, all three broadcast together. The condition is a 0/1 tensor
 * (from `eq`, `gt`, `lt`, …); it gets no gradient.
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  requireTensor('where', 'the condition (a 0/1 tensor, e.g. from x.gt(0))', condition);
  return record(
    'where',
    [a, b],
    ([x, y]) => {
      const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, x!.shape), y!.shape);
      const lazy = fuse({ kind: 'where' }, [condition, x!, y!], shape, x!.dtype);
      if (lazy) return lazy;
      const out = emptyTensor(shape, x!.dtype);
      whereKernel(condition.data, condition.shape, x!.data, x!.shape, y!.data, y!.shape, out.data, shape);
      return out;
    },
    (g, _, __, needs) => [needs[0] ? where(condition, g, 0) : null, needs[1] ? where(condition, 0, g) : null],
  );
}

/** sign(x) as a constant of the graph (−1, 0 or 1). */
function sign(x: Tensor): Tensor {
  const lazy = fuse({ kind: 'sign' }, [x], x.shape, x.dtype);
  if (lazy) return lazy;
  const out = emptyTensor(x.shape, x.dtype);
  unary('sign', x.data, out.data);
  return out;
}

// --- the rules' algebra in tensor ops --------------------------------------------------------------------

type V = Value<Tensor>;
const both = (a: V, b: V): a is number => typeof a === 'number' && typeof b === 'number';
const lift2 =
  (op: (a: Operand, b: Operand) => Tensor, onNumbers: (a: number, b: number) => number) =>
  (a: V, b: V): V =>
    both(a, b) ? onNumbers(a, b as number) : op(a, b);
const lift1 =
  (op: (a: Tensor) => Tensor, onNumber: (a: number) => number) =>
  (a: V): V =>
    typeof a === 'number' ? onNumber(a) : op(a);
const comparison = (op: 'eq' | 'gt' | 'lt' | 'ge' | 'le') => lift2((a, b) => compare(op, a, b), NUMBERS[op]);

/**
 * Tensor ops as an algebra: a rule evaluated here is recorded like any other tensor computation,
 * which is how recorded backward passes differentiate the rules themselves.
 */
export const TENSORS: Algebra<Tensor> = {
  add: lift2(add, NUMBERS.add),
  sub: lift2(sub, NUMBERS.sub),
  mul: lift2(mul, NUMBERS.mul),
  div: lift2(div, NUMBERS.div),
  pow: lift2(pow, NUMBERS.pow),
  neg: lift1(neg, NUMBERS.neg),
  exp: lift1(exp, NUMBERS.exp),
  log: lift1(log, NUMBERS.log),
  sin: lift1(sin, NUMBERS.sin),
  cos: lift1(cos, NUMBERS.cos),
  tanh: lift1(tanh, NUMBERS.tanh),
  sigmoid: lift1(sigmoid, NUMBERS.sigmoid),
  erf: lift1(erf, NUMBERS.erf),
  sign: lift1(sign, NUMBERS.sign),
  gt: comparison('gt'),
  ge: comparison('ge'),
  lt: comparison('lt'),
  le: comparison('le'),
  eq: comparison('eq'),
  where: (cond, a, b) => {
    if (typeof cond === 'number') return cond !== 0 ? a : b;
    // Two constants take the condition's dtype (a float64 mask must give float64 values).
    return where(cond, typeof a === 'number' ? Tensor.fromNumber(a, cond.dtype) : a, b);
  },
};

provideOps({
  abs,
  add,
  clamp,
  compare,
  cos,
  div,
  elu,
  erf,
  exp,
  expm1,
  gelu,
  leakyRelu,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  sigmoid,
  sin,
  softplus,
  sqrt,
  square,
  sub,
  tanh,
});
