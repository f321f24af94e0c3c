import type { Algebra } from './algebra.js';
import { erf, sigmoid } from './special.js';

/**
 * The algebra of plain float64 numbers: a derivative rule evaluated here gives the local
 * derivative as a number (what Scalar records, what the float64 kernels multiply by).
 */
export const NUMBERS: Algebra<number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  neg: (a) => -a,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  erf,
  sign: Math.sign,
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
  where: (cond, a, b) => (cond !== 0 ? a : b),
};
