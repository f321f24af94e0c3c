/**
 * The op functions behind `Tensor`'s methods, filled in by the op modules as they load. `Tensor`
 * calls its ops through this table instead of importing them, so the op modules — which build
 * tensors — and the class do not import each other. `index.ts` loads every op module, so the
 * table is complete before any method runs.
 */
import type * as conv from './ops/conv.js';
import type * as conv_transpose from './ops/conv-transpose.js';
import type * as conv1d from './ops/conv1d.js';
import type * as elementwise from './ops/elementwise.js';
import type * as inplace from './ops/inplace.js';
import type * as matmul from './ops/matmul.js';
import type * as nn from './ops/nn.js';
import type * as pool from './ops/pool.js';
import type * as reduce from './ops/reduce.js';
import type * as scan from './ops/scan.js';
import type * as shape from './ops/shape.js';
import type * as shape_core from './ops/shape-core.js';
import type * as sort from './ops/sort.js';
import type * as transpose from './ops/transpose.js';
import type * as unbind from './ops/unbind.js';

/** Every op a Tensor method calls, by name; each op module provides its own. */
export interface TensorOps {
  conv2d: typeof conv.conv2d;
  maxPool2d: typeof conv.maxPool2d;
  convTranspose2d: typeof conv_transpose.convTranspose2d;
  conv1d: typeof conv1d.conv1d;
  abs: typeof elementwise.abs;
  add: typeof elementwise.add;
  clamp: typeof elementwise.clamp;
  compare: typeof elementwise.compare;
  cos: typeof elementwise.cos;
  div: typeof elementwise.div;
  elu: typeof elementwise.elu;
  erf: typeof elementwise.erf;
  exp: typeof elementwise.exp;
  expm1: typeof elementwise.expm1;
  gelu: typeof elementwise.gelu;
  leakyRelu: typeof elementwise.leakyRelu;
  log: typeof elementwise.log;
  log1p: typeof elementwise.log1p;
  maximum: typeof elementwise.maximum;
  minimum: typeof elementwise.minimum;
  mul: typeof elementwise.mul;
  neg: typeof elementwise.neg;
  pow: typeof elementwise.pow;
  relu: typeof elementwise.relu;
  sigmoid: typeof elementwise.sigmoid;
  sin: typeof elementwise.sin;
  softplus: typeof elementwise.softplus;
  sqrt: typeof elementwise.sqrt;
  square: typeof elementwise.square;
  sub: typeof elementwise.sub;
  tanh: typeof elementwise.tanh;
  add_: typeof inplace.add_;
  addcdiv_: typeof inplace.addcdiv_;
  addcmul_: typeof inplace.addcmul_;
  copy_: typeof inplace.copy_;
  div_: typeof inplace.div_;
  mul_: typeof inplace.mul_;
  sqrt_: typeof inplace.sqrt_;
  matmul: typeof matmul.matmul;
  layerNorm: typeof nn.layerNorm;
  logSoftmax: typeof nn.logSoftmax;
  softmax: typeof nn.softmax;
  adaptiveAvgPool2d: typeof pool.adaptiveAvgPool2d;
  avgPool2d: typeof pool.avgPool2d;
  argReduce: typeof reduce.argReduce;
  logsumexp: typeof reduce.logsumexp;
  max: typeof reduce.max;
  mean: typeof reduce.mean;
  min: typeof reduce.min;
  prod: typeof reduce.prod;
  std: typeof reduce.std;
  sum: typeof reduce.sum;
  variance: typeof reduce.variance;
  cumprod: typeof scan.cumprod;
  cumsum: typeof scan.cumsum;
  clone: typeof shape.clone;
  flatten: typeof shape.flatten;
  gather: typeof shape.gather;
  indexSelect: typeof shape.indexSelect;
  permute: typeof shape.permute;
  select: typeof shape.select;
  slice: typeof shape.slice;
  squeeze: typeof shape.squeeze;
  transpose: typeof shape.transpose;
  unsqueeze: typeof shape.unsqueeze;
  cast: typeof shape_core.cast;
  expand: typeof shape_core.expand;
  reshape: typeof shape_core.reshape;
  argsort: typeof sort.argsort;
  sort: typeof sort.sort;
  topk: typeof sort.topk;
  reverseAxes: typeof transpose.reverseAxes;
  t: typeof transpose.t;
  unbind: typeof unbind.unbind;
}

/** The table; `Tensor` methods call `ops.add(this, other)` and so on. */
export const ops = {} as TensorOps;

/** Called once by each op module with the ops it defines. */
export function provideOps(part: Partial<TensorOps>): void {
  Object.assign(ops, part);
}
