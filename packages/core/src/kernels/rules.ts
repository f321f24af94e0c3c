/**
 * Elementwise loops that apply the per-element rules of `math/rules.ts` — the float64 path of the
 * tensor ops (so that a float64 tensor op computes exactly what the Scalar op computes, element by
 * element), the fused evaluator's JavaScript path, and the one-pass backward of one-input ops.
 *
 * Each op has its own loop calling its own rule: one call target per loop, which the JIT inlines.
 * (A single loop calling `rule.value` for whichever rule it is given is several times slower.)
 */
import { NUMBERS } from '../math/numbers.js';
import {
  BINARY_RULES as B,
  type BinaryOp,
  type BinaryRule,
  UNARY_RULES as U,
  type UnaryOp,
  type UnaryRule,
} from '../math/rules.js';
import { broadcastStrides } from './binary.js';

type Arr = Float32Array | Float64Array | Int32Array;

/**
 * `out[oo + j] = f(x[xo + j·xs])` for `j < n` (`xs` 0 reads one element for all). `p`, `q` are the
 * op's parameters.
 */
export function unaryRun(
  op: UnaryOp,
  x: Arr,
  xo: number,
  xs: number,
  out: Arr,
  oo: number,
  n: number,
  p: number,
  q: number,
): void {
  // One loop per op, each with its own call target (see the module comment).
  if (isActivation(op)) activationRun(op, x, xo, xs, out, oo, n, p, q);
  else
    switch (op) {
      case 'neg': {
        const f = U.neg.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'exp': {
        const f = U.exp.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'log': {
        const f = U.log.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'log1p': {
        const f = U.log1p.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'expm1': {
        const f = U.expm1.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'sqrt': {
        const f = U.sqrt.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'square': {
        const f = U.square.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'abs': {
        const f = U.abs.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'sin': {
        const f = U.sin.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
      case 'cos': {
        const f = U.cos.value;
        for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
        return;
      }
    }
}

type Activation =
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'erf'
  | 'gelu'
  | 'geluTanh'
  | 'softplus'
  | 'clamp';
const ACTIVATIONS: ReadonlySet<string> = new Set<Activation>([
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'elu',
  'erf',
  'gelu',
  'geluTanh',
  'softplus',
  'clamp',
]);
const isActivation = (op: UnaryOp): op is Activation => ACTIVATIONS.has(op);

/** {@link unaryRun} for the activations. */
function activationRun(
  op: Activation,
  x: Arr,
  xo: number,
  xs: number,
  out: Arr,
  oo: number,
  n: number,
  p: number,
  q: number,
): void {
  switch (op) {
    case 'tanh': {
      const f = U.tanh.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'sigmoid': {
      const f = U.sigmoid.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'relu': {
      const f = U.relu.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'leakyRelu': {
      const f = U.leakyRelu.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'elu': {
      const f = U.elu.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'erf': {
      const f = U.erf.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'gelu': {
      const f = U.gelu.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'geluTanh': {
      const f = U.geluTanh.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'softplus': {
      const f = U.softplus.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
    case 'clamp': {
      const f = U.clamp.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(x[xo + j * xs]!, p, q);
      return;
    }
  }
}

/** `out[oo + j] = f(a[ao + j·as], b[bo + j·bs])` for `j < n`. */
export function binaryRun(
  op: BinaryOp,
  a: Arr,
  ao: number,
  as: number,
  b: Arr,
  bo: number,
  bs: number,
  out: Arr,
  oo: number,
  n: number,
): void {
  switch (op) {
    case 'add': {
      const f = B.add.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
      return;
    }
    case 'sub': {
      const f = B.sub.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
      return;
    }
    case 'mul': {
      const f = B.mul.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
      return;
    }
    case 'div': {
      const f = B.div.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
      return;
    }
    case 'pow': {
      const f = B.pow.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
      return;
    }
    case 'maximum': {
      const f = B.maximum.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
      return;
    }
    case 'minimum': {
      const f = B.minimum.value;
      for (let j = 0; j < n; j++) out[oo + j] = f(a[ao + j * as]!, b[bo + j * bs]!);
      return;
    }
  }
}

/** `out[i] = f(x[i])`. */
export function applyUnary(rule: UnaryRule, x: Arr, out: Arr, p: number, q: number): void {
  unaryRun(rule.name, x, 0, 1, out, 0, x.length, p, q);
}

/** `dx[i] = g[i] · f′(x[i])`, the backward of a one-input op in one pass (`out` = f(x)). */
export function applyUnaryGrad(
  rule: UnaryRule,
  g: Arr,
  x: Arr,
  out: Arr,
  dx: Arr,
  p: number,
  q: number,
): void {
  const d = rule.grad;
  for (let i = 0; i < dx.length; i++) dx[i] = g[i]! * (d(NUMBERS, x[i]!, out[i]!, p, q) as number);
}

/** `out = f(a, b)` broadcast to `outShape` (NumPy rules), walking the output row by row. */
export function applyBinary(
  rule: BinaryRule,
  a: Arr,
  aShape: readonly number[],
  b: Arr,
  bShape: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  const n = out.length;
  if (n === 0) return;
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = rank === 0 ? 1 : outShape[rank - 1]!;
  const ia = rank === 0 ? 0 : sa[rank - 1]!;
  const ib = rank === 0 ? 0 : sb[rank - 1]!;
  const counter = new Array<number>(rank).fill(0);
  let ao = 0;
  let bo = 0;
  for (let r = 0; r < n / inner; r++) {
    binaryRun(rule.name, a, ao, ia, b, bo, ib, out, r * inner, inner);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      ao += sa[d]!;
      bo += sb[d]!;
      if (counter[d]! < outShape[d]!) break;
      ao -= sa[d]! * outShape[d]!;
      bo -= sb[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}
