/** ONNX emitters of the elementwise ops and activations. */

import { type EmitContext, type Emitter, input, numAttr, optionalNumAttr, strAttr } from './context.js';
import { ELEM_TYPE, float, int, str } from './proto.js';

/** `opType(inputs…) → out`, one ONNX op per tapegrad op. */
const direct =
  (opType: string): Emitter =>
  (c) =>
    c.b.node(
      opType,
      c.inputs.map((_, i) => input(c, i)),
      [c.out],
    );

/** A scalar constant of the op's dtype. */
const scalar = (c: EmitContext, value: number, base: string): string =>
  c.b.fill(value, c.node.dtype, [], base);

/** gelu: ONNX's Gelu from opset 20; before it, the same formula from Erf or Tanh. */
const gelu: Emitter = (c) => {
  const approximate = strAttr(c, 'approximate');
  if (approximate !== 'none' && approximate !== 'tanh') c.fail(`unknown approximate '${approximate}'.`);
  const x = input(c, 0);
  if (c.b.opset >= 20) {
    c.b.node('Gelu', [x], [c.out], { approximate: str(approximate) });
    return;
  }
  const half = c.b.op('Mul', [x, scalar(c, 0.5, 'half')]);
  let inner: string;
  if (approximate === 'none') {
    // 0.5·x·(1 + erf(x/√2))
    inner = c.b.op('Erf', [c.b.op('Mul', [x, scalar(c, Math.SQRT1_2, 'inv_sqrt2')])]);
  } else {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = c.b.op('Mul', [c.b.op('Mul', [x, x]), x]);
    const poly = c.b.op('Add', [x, c.b.op('Mul', [cube, scalar(c, 0.044715, 'gelu_c')])]);
    inner = c.b.op('Tanh', [c.b.op('Mul', [poly, scalar(c, Math.sqrt(2 / Math.PI), 'gelu_k')])]);
  }
  c.b.node('Mul', [half, c.b.op('Add', [inner, scalar(c, 1, 'one')])], [c.out]);
};

/** softplus: log(1 + e^(βx))/β, and exactly x where βx > threshold, as the op computes it. */
const softplus: Emitter = (c) => {
  const beta = numAttr(c, 'beta');
  const threshold = numAttr(c, 'threshold');
  const x = input(c, 0);
  const bx = beta === 1 ? x : c.b.op('Mul', [x, scalar(c, beta, 'beta')]);
  const sp = c.b.op('Softplus', [bx]);
  const smooth = beta === 1 ? sp : c.b.op('Div', [sp, scalar(c, beta, 'beta')]);
  const above = c.b.op('Greater', [bx, scalar(c, threshold, 'threshold')]);
  c.b.node('Where', [above, x, smooth], [c.out]);
};

/** clamp: Clip with the bounds as inputs ('' for an absent one). */
const clamp: Emitter = (c) => {
  const lo = optionalNumAttr(c, 'min');
  const hi = optionalNumAttr(c, 'max');
  c.b.node(
    'Clip',
    [input(c, 0), lo === null ? '' : scalar(c, lo, 'min'), hi === null ? '' : scalar(c, hi, 'max')],
    [c.out],
  );
};

/** cast between float dtypes (casts to int32 are not recorded: they carry no gradient). */
const cast: Emitter = (c) => {
  const to = strAttr(c, 'dtype');
  const elemType = to === 'float32' || to === 'float64' ? ELEM_TYPE[to] : c.fail(`cannot cast to '${to}'.`);
  c.b.node('Cast', [input(c, 0)], [c.out], { to: int(elemType) });
};

/** The elementwise emitters by tapegrad op name. */
export const ELEMENTWISE_EMITTERS: Readonly<Record<string, Emitter>> = {
  add: direct('Add'),
  sub: direct('Sub'),
  mul: direct('Mul'),
  div: direct('Div'),
  pow: direct('Pow'),
  maximum: direct('Max'),
  minimum: direct('Min'),
  neg: direct('Neg'),
  exp: direct('Exp'),
  log: direct('Log'),
  sqrt: direct('Sqrt'),
  abs: direct('Abs'),
  sin: direct('Sin'),
  cos: direct('Cos'),
  tanh: direct('Tanh'),
  sigmoid: direct('Sigmoid'),
  relu: direct('Relu'),
  erf: direct('Erf'),
  clone: direct('Identity'),
  square: (c) => c.b.node('Mul', [input(c, 0), input(c, 0)], [c.out]),
  leakyRelu: (c) => c.b.node('LeakyRelu', [input(c, 0)], [c.out], { alpha: float(numAttr(c, 'slope')) }),
  elu: (c) => c.b.node('Elu', [input(c, 0)], [c.out], { alpha: float(numAttr(c, 'alpha')) }),
  gelu,
  softplus,
  clamp,
  cast,
};
