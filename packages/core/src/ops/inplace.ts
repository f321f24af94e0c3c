/**
 * In-place updates for optimizers and hand-written training loops. They are not recorded; each
 * bumps the tensor's version so a backward that saved the old value throws instead of returning
 * a wrong gradient.
 */

import { requireOperand, requireTensor } from '../args.js';
import { fmtShape, requireNumber, TapegradError } from '../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import * as k from '../kernels/inplace.js';
import { unary } from '../kernels/unary.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { cast, expand } from './shape-core.js';

function checkTarget(op: string, t: Tensor): void {
  if (isGradEnabled() && t.requiresGrad) {
    throw new TapegradError(
      op,
      `cannot update a tensor that requires grad in place while recording (shape ${fmtShape(t.shape)}). Wrap the update in noGrad(() => …), as an optimizer step does.`,
    );
  }
}

/** `other` as data of `t`'s dtype, broadcast to `t`'s shape (a single element stays single). */
function operand(op: string, t: Tensor, other: Tensor | number): Tensor {
  requireOperand(op, 'the operand', other);
  if (
    t.dtype === 'int32' &&
    (typeof other === 'number' ? !Number.isInteger(other) : other.dtype !== 'int32')
  ) {
    throw new TapegradError(
      op,
      `cannot update an int32 tensor in place with a float operand; convert it with .float() first.`,
    );
  }
  if (typeof other === 'number') return Tensor.fromNumber(other, t.dtype);
  const o = other.dtype === t.dtype ? other : cast(other, t.dtype);
  if (sameShape(o.shape, t.shape) || (o.size === 1 && o.ndim <= t.ndim)) return o;
  try {
    return expand(o, t.shape);
  } catch {
    throw new TapegradError(
      op,
      `cannot broadcast shape ${fmtShape(o.shape)} into the target's shape ${fmtShape(t.shape)}.`,
    );
  }
}

function requireSameShape(op: string, t: Tensor, ...xs: Tensor[]): void {
  for (const x of xs) {
    requireTensor(op, 'the operand', x);
    if (!sameShape(x.shape, t.shape)) {
      throw new TapegradError(
        op,
        `operand shape ${fmtShape(x.shape)} must equal the target's shape ${fmtShape(t.shape)}.`,
      );
    }
  }
}

/** `t += alpha · other`. */
export function add_<T extends Tensor>(t: T, other: Tensor | number, alpha: number): T {
  checkTarget('add_', t);
  requireNumber('add_', 'alpha', alpha);
  k.axpy(t.writable(), operand('add_', t, other).data, alpha);
  t.version++;
  return t;
}

/** `t *= other`. */
export function mul_<T extends Tensor>(t: T, other: Tensor | number): T {
  checkTarget('mul_', t);
  k.scale(t.writable(), operand('mul_', t, other).data);
  t.version++;
  return t;
}

/** `t /= other`. */
export function div_<T extends Tensor>(t: T, other: Tensor | number): T {
  checkTarget('div_', t);
  k.divide(t.writable(), operand('div_', t, other).data);
  t.version++;
  return t;
}

/** `t += value · a · b`. */
export function addcmul_<T extends Tensor>(t: T, a: Tensor, b: Tensor, value: number): T {
  checkTarget('addcmul_', t);
  requireNumber('addcmul_', 'value', value);
  requireSameShape('addcmul_', t, a, b);
  k.addcmul(t.writable(), a.data, b.data, value);
  t.version++;
  return t;
}

/** `t += value · a / b`. */
export function addcdiv_<T extends Tensor>(t: T, a: Tensor, b: Tensor, value: number): T {
  checkTarget('addcdiv_', t);
  requireNumber('addcdiv_', 'value', value);
  requireSameShape('addcdiv_', t, a, b);
  k.addcdiv(t.writable(), a.data, b.data, value);
  t.version++;
  return t;
}

/** `t = source` (broadcast). */
export function copy_<T extends Tensor>(t: T, source: Tensor | number): T {
  checkTarget('copy_', t);
  k.assign(t.writable(), operand('copy_', t, source).data);
  t.version++;
  return t;
}

/** `t = √t` elementwise. */
export function sqrt_<T extends Tensor>(t: T): T {
  checkTarget('sqrt_', t);
  unary('sqrt', t.writable(), t.data);
  t.version++;
  return t;
}

provideOps({ add_, addcdiv_, addcmul_, copy_, div_, mul_, sqrt_ });
