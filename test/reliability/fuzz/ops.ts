/**
 * The ops a fuzzed program is made of. Each takes its operands and a few raw integers (drawn by
 * fast-check) and turns the integers into arguments — mostly valid ones, derived from the
 * operands' shapes, and sometimes invalid ones (an axis out of range, a reshape to the wrong size,
 * a zero step), so programs exercise both the ops and their argument checks.
 */
import { concat, stack, type Tensor, tensor, where } from '@tapegrad/core';

/** One op of the fuzzer's vocabulary. */
export interface FuzzOp {
  readonly name: string;
  /** 1 or 2 operands. */
  readonly arity: 1 | 2;
  /** False for ops with kinks (relu, abs, max, …): finite differences may straddle one. */
  readonly smooth: boolean;
  /**
   * True when `out` lies where the op is not differentiable and PyTorch's backward gives NaN too
   * (std of values that are all equal: sqrt at 0; var or std of a single element: a division by
   * N − 1 = 0), so a NaN gradient there is the convention.
   */
  readonly singularAt?: (out: Tensor) => boolean;
  /** Applies the op; `p` holds four raw integers in [0, 1000). */
  apply(x: Tensor[], p: readonly number[]): Tensor;
  /** The call as code, for a failing program's printout. */
  show(x: readonly string[], p: readonly number[], shapes: readonly (readonly number[])[]): string;
}

/** Roughly one time in `n`, decided by a raw integer. */
const oneIn = (raw: number, n: number) => raw % n === 0;

/** An axis for a tensor of rank `r`: usually in [−r, r), one time in ten out of range. */
function axisOf(raw: number, r: number): number {
  if (oneIn(raw, 10)) return r + (raw % 3);
  if (r === 0) return 0;
  const a = raw % r;
  return raw % 4 === 1 ? a - r : a;
}

const unary = (name: string, smooth: boolean, f: (x: Tensor) => Tensor, code: string): FuzzOp => ({
  name,
  arity: 1,
  smooth,
  apply: ([x]) => f(x!),
  show: ([x]) => code.replace(/\bx\b/g, x!),
});

const binary = (
  name: string,
  smooth: boolean,
  f: (a: Tensor, b: Tensor) => Tensor,
  code: string,
): FuzzOp => ({
  name,
  arity: 2,
  smooth,
  apply: ([a, b]) => f(a!, b!),
  show: ([a, b]) => code.replace(/\ba\b/g, a!).replace(/\bb\b/g, b!),
});

/** A target shape for `x.reshape`: usually a valid regrouping of its elements, sometimes not. */
function reshapeTarget(shape: readonly number[], raw: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (oneIn(raw, 9)) return [size + 1];
  if (raw % 4 === 0) return [-1];
  if (raw % 4 === 1) return [...shape].reverse();
  const d = [2, 3, 4].find((k) => size % k === 0 && size > 0);
  return d === undefined ? [size] : [d, -1];
}

/** A permutation of `r` axes (one time in eight with a repeated axis). */
function permutation(r: number, raw: number): number[] {
  const axes = Array.from({ length: r }, (_, i) => i);
  for (let i = r - 1; i > 0; i--) {
    const j = (raw * (i + 7)) % (i + 1);
    [axes[i], axes[j]] = [axes[j]!, axes[i]!];
  }
  if (r > 1 && oneIn(raw, 8)) axes[0] = axes[1]!;
  return axes;
}

/** Slice bounds for the first axis of size `n` (a zero step one time in twelve). */
function sliceSpec(n: number, p: readonly number[]): [number, number, number] {
  const step = oneIn(p[2]!, 12) ? 0 : 1 + (p[2]! % 2);
  return [(p[0]! % (n + 2)) - 1, (p[1]! % (n + 3)) - 1, step];
}

/** An int32 index of `count` entries for an axis of size `n` (one time in ten, one out of range). */
function indexFor(count: number, n: number, raw: number): Tensor {
  const values = Array.from({ length: count }, (_, i) => (n === 0 ? 0 : (raw + 3 * i) % n));
  if (oneIn(raw, 10) && count > 0) values[0] = n;
  return tensor(values, { dtype: 'int32' });
}

const fmt = (v: unknown) => JSON.stringify(v);

/** Every op the fuzzer draws from. */
export const FUZZ_OPS: readonly FuzzOp[] = [
  unary('neg', true, (x) => x.neg(), 'x.neg()'),
  unary('exp', true, (x) => x.tanh().exp(), 'x.tanh().exp()'),
  unary('tanh', true, (x) => x.tanh(), 'x.tanh()'),
  unary('sigmoid', true, (x) => x.sigmoid(), 'x.sigmoid()'),
  unary('sin', true, (x) => x.sin(), 'x.sin()'),
  unary('cos', true, (x) => x.cos(), 'x.cos()'),
  unary('square', true, (x) => x.square(), 'x.square()'),
  unary('erf', true, (x) => x.erf(), 'x.erf()'),
  unary('softplus', true, (x) => x.softplus(), 'x.softplus()'),
  unary('gelu', true, (x) => x.gelu(), 'x.gelu()'),
  unary('sqrt', true, (x) => x.square().add(0.25).sqrt(), 'x.square().add(0.25).sqrt()'),
  unary('log', true, (x) => x.square().add(0.25).log(), 'x.square().add(0.25).log()'),
  unary('log1p', true, (x) => x.square().log1p(), 'x.square().log1p()'),
  unary('expm1', true, (x) => x.tanh().expm1(), 'x.tanh().expm1()'),
  unary('elu', false, (x) => x.elu(), 'x.elu()'),
  unary('relu', false, (x) => x.relu(), 'x.relu()'),
  unary('abs', false, (x) => x.abs(), 'x.abs()'),
  unary('leakyRelu', false, (x) => x.leakyRelu(0.1), 'x.leakyRelu(0.1)'),
  unary('clamp', false, (x) => x.clamp(-0.5, 0.7), 'x.clamp(-0.5, 0.7)'),
  unary('clone', true, (x) => x.clone(), 'x.clone()'),
  binary('add', true, (a, b) => a.add(b), 'a.add(b)'),
  binary('sub', true, (a, b) => a.sub(b), 'a.sub(b)'),
  binary('mul', true, (a, b) => a.mul(b), 'a.mul(b)'),
  binary('div', true, (a, b) => a.div(b.square().add(0.5)), 'a.div(b.square().add(0.5))'),
  binary('pow', true, (a, b) => a.square().add(0.5).pow(b.tanh()), 'a.square().add(0.5).pow(b.tanh())'),
  binary('maximum', false, (a, b) => a.maximum(b), 'a.maximum(b)'),
  binary('minimum', false, (a, b) => a.minimum(b), 'a.minimum(b)'),
  binary('where', false, (a, b) => where(a.gt(b), a, b), 'where(a.gt(b), a, b)'),
  ...(['sum', 'mean', 'max', 'min', 'prod', 'logsumexp', 'var', 'std'] as const).map(
    (r): FuzzOp => ({
      name: r,
      arity: 1,
      smooth: r !== 'max' && r !== 'min' && r !== 'std',
      // var and std of one element (with the default correction) are NaN; std of equal values is sqrt(0)
      ...(r === 'var' || r === 'std'
        ? { singularAt: (out: Tensor) => out.data.some((v) => Number.isNaN(v) || (r === 'std' && v === 0)) }
        : {}),
      apply: ([x], p) => {
        const axis = oneIn(p[0]!, 4) ? undefined : axisOf(p[0]!, x!.ndim);
        return x![r](axis, p[1]! % 2 === 1);
      },
      show: ([x], p, [s]) =>
        `${x}.${r}(${oneIn(p[0]!, 4) ? 'undefined' : axisOf(p[0]!, s!.length)}, ${p[1]! % 2 === 1})`,
    }),
  ),
  {
    name: 'reshape',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.reshape(reshapeTarget(x!.shape, p[0]!)),
    show: ([x], p, [s]) => `${x}.reshape(${fmt(reshapeTarget(s!, p[0]!))})`,
  },
  {
    name: 'transpose',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.transpose(axisOf(p[0]!, x!.ndim), axisOf(p[1]!, x!.ndim)),
    show: ([x], p, [s]) => `${x}.transpose(${axisOf(p[0]!, s!.length)}, ${axisOf(p[1]!, s!.length)})`,
  },
  {
    name: 'permute',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.permute(permutation(x!.ndim, p[0]!)),
    show: ([x], p, [s]) => `${x}.permute(${fmt(permutation(s!.length, p[0]!))})`,
  },
  {
    name: 'unsqueeze',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.unsqueeze(axisOf(p[0]!, x!.ndim + 1)),
    show: ([x], p, [s]) => `${x}.unsqueeze(${axisOf(p[0]!, s!.length + 1)})`,
  },
  unary('squeeze', true, (x) => x.squeeze(), 'x.squeeze()'),
  unary('flatten', true, (x) => x.flatten(), 'x.flatten()'),
  {
    name: 'slice',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.slice(x!.ndim === 0 ? [] : [sliceSpec(x!.shape[0]!, p)]),
    show: ([x], p, [s]) => `${x}.slice(${s!.length === 0 ? '[]' : fmt([sliceSpec(s![0]!, p)])})`,
  },
  {
    name: 'expand',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.expand([1 + (p[0]! % 3), ...x!.shape]),
    show: ([x], p, [s]) => `${x}.expand(${fmt([1 + (p[0]! % 3), ...s!])})`,
  },
  {
    name: 'select',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.select(axisOf(p[0]!, x!.ndim), p[1]! % 4),
    show: ([x], p, [s]) => `${x}.select(${axisOf(p[0]!, s!.length)}, ${p[1]! % 4})`,
  },
  {
    name: 'indexSelect',
    arity: 1,
    smooth: true,
    apply: ([x], p) => {
      const axis = axisOf(p[0]!, x!.ndim);
      const n = x!.shape[axis < 0 ? axis + x!.ndim : axis] ?? 1;
      return x!.indexSelect(axis, indexFor(1 + (p[1]! % 3), n, p[2]!));
    },
    show: ([x], p, [s]) => {
      const axis = axisOf(p[0]!, s!.length);
      const n = s![axis < 0 ? axis + s!.length : axis] ?? 1;
      return `${x}.indexSelect(${axis}, tensor(${fmt(Array.from(indexFor(1 + (p[1]! % 3), n, p[2]!).data))}, { dtype: 'int32' }))`;
    },
  },
  {
    name: 'concat',
    arity: 2,
    smooth: true,
    apply: ([a, b], p) => concat([a!, b!], axisOf(p[0]!, a!.ndim)),
    show: ([a, b], p, [s]) => `concat([${a}, ${b}], ${axisOf(p[0]!, s!.length)})`,
  },
  {
    name: 'stack',
    arity: 2,
    smooth: true,
    apply: ([a, b], p) => stack([a!, b!], axisOf(p[0]!, a!.ndim + 1)),
    show: ([a, b], p, [s]) => `stack([${a}, ${b}], ${axisOf(p[0]!, s!.length + 1)})`,
  },
  {
    name: 'cumsum',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.cumsum(axisOf(p[0]!, x!.ndim)),
    show: ([x], p, [s]) => `${x}.cumsum(${axisOf(p[0]!, s!.length)})`,
  },
  {
    name: 'softmax',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.softmax(axisOf(p[0]!, x!.ndim)),
    show: ([x], p, [s]) => `${x}.softmax(${axisOf(p[0]!, s!.length)})`,
  },
  {
    name: 'logSoftmax',
    arity: 1,
    smooth: true,
    apply: ([x], p) => x!.logSoftmax(axisOf(p[0]!, x!.ndim)),
    show: ([x], p, [s]) => `${x}.logSoftmax(${axisOf(p[0]!, s!.length)})`,
  },
  binary('matmul', true, (a, b) => a.matmul(b.transpose()), 'a.matmul(b.transpose())'),
  unary('gram', true, (x) => x.matmul(x.transpose()), 'x.matmul(x.transpose())'),
  {
    name: 'layerNorm',
    arity: 1,
    smooth: true,
    apply: ([x]) => x!.layerNorm(x!.shape.slice(-1)),
    show: ([x], _, [s]) => `${x}.layerNorm(${fmt(s!.slice(-1))})`,
  },
];
