/**
 * Fused elementwise programs: a chain (a small DAG) of elementwise steps over equal-length inputs,
 * evaluated a block at a time so that no intermediate ever takes a full-size array — the values
 * of one block stay in the first-level cache from the first step to the last. The result is
 * written to an array, added into one, or summed.
 *
 * This is the portable evaluator (any float dtype, JavaScript loops); `fused-f32.ts` runs float32
 * programs through the SIMD kernels and falls back here.
 */

import { NUMBERS } from '../math/numbers.js';
import { evaluateF32 } from './fused-f32.js';
import type { CompareOp, FusedProgram, FusedStep, Sink } from './fused-program.js';
import { binaryRun, unaryRun } from './rules.js';

export type { CompareOp, FusedProgram, FusedStep } from './fused-program.js';

type Arr = Float32Array | Float64Array | Int32Array;

/** Elements per block: 16 KB of float64 per register. */
const BLOCK = 2048;

/** `out[i] = result(i)`, or `out[i] += result(i)` with `accumulate`. */
export function runFused(program: FusedProgram, out: Arr, accumulate = false): void {
  evaluate(program, { kind: accumulate ? 'add' : 'write', out });
}

/** Σᵢ result(i), accumulated in float64. */
export function sumFused(program: FusedProgram): number {
  return evaluate(program, { kind: 'sum' });
}

/** Registers reused across calls (fresh memory costs far more than refilling old memory). */
const registers: Float64Array[] = [];
const registers32: Float32Array[] = [];

function registerFile(program: FusedProgram): Arr[] {
  const n = program.steps.length;
  if (program.float64) {
    while (registers.length < n) registers.push(new Float64Array(BLOCK));
    return registers.slice(0, n);
  }
  while (registers32.length < n) registers32.push(new Float32Array(BLOCK));
  return registers32.slice(0, n);
}

function evaluate(program: FusedProgram, sink: Sink): number {
  const simd = program.float64 ? null : evaluateF32(program, sink);
  if (simd !== null) return simd;
  const regs = registerFile(program);
  const { leaves, steps, length } = program;
  const slots: Arr[] = [...leaves, ...regs];
  const base = new Int32Array(slots.length);
  const stride = new Int32Array(slots.length);
  for (let s = 0; s < leaves.length; s++) stride[s] = leaves[s]!.length === 1 ? 0 : 1;
  for (let s = leaves.length; s < slots.length; s++) stride[s] = 1;
  let total = 0;
  for (let i0 = 0; i0 < length; i0 += BLOCK) {
    const len = Math.min(BLOCK, length - i0);
    for (let s = 0; s < leaves.length; s++) base[s] = stride[s] === 0 ? 0 : i0;
    for (let k = 0; k < steps.length; k++) runStep(steps[k]!, slots, base, stride, regs[k]!, len);
    total += drain(sink, regs[steps.length - 1]!, i0, len);
  }
  return total;
}

/** Hands one block of the result to the sink; returns the block's sum for a summing sink. */
function drain(sink: Sink, r: Arr, i0: number, len: number): number {
  if (sink.kind === 'sum') {
    let s = 0;
    for (let j = 0; j < len; j++) s += r[j]!;
    return s;
  }
  const out = sink.out;
  if (sink.kind === 'write') for (let j = 0; j < len; j++) out[i0 + j] = r[j]!;
  else for (let j = 0; j < len; j++) out[i0 + j] = out[i0 + j]! + r[j]!;
  return 0;
}

function runStep(
  step: FusedStep,
  slots: Arr[],
  base: Int32Array,
  stride: Int32Array,
  r: Arr,
  len: number,
): void {
  switch (step.kind) {
    case 'unary':
      unaryRun(step.rule.name, slots[step.a]!, base[step.a]!, stride[step.a]!, r, 0, len, step.p, step.q);
      return;
    case 'binary': {
      const { a, b } = step;
      binaryRun(step.rule.name, slots[a]!, base[a]!, stride[a]!, slots[b]!, base[b]!, stride[b]!, r, 0, len);
      return;
    }
    case 'compare':
      compareBlock(step.op, operands(step.a, step.b, slots, base, stride), r, len);
      return;
    case 'where': {
      const c = slots[step.cond]!;
      const co = base[step.cond]!;
      const cs = stride[step.cond]!;
      const [x, xo, xs, y, yo, ys] = operands(step.a, step.b, slots, base, stride);
      for (let j = 0; j < len; j++) r[j] = c[co + j * cs] !== 0 ? x[xo + j * xs]! : y[yo + j * ys]!;
      return;
    }
    case 'sign': {
      const x = slots[step.a]!;
      const o = base[step.a]!;
      const s = stride[step.a]!;
      for (let j = 0; j < len; j++) r[j] = Math.sign(x[o + j * s]!);
      return;
    }
    case 'copy': {
      const x = slots[step.a]!;
      const o = base[step.a]!;
      const s = stride[step.a]!;
      for (let j = 0; j < len; j++) r[j] = x[o + j * s]!;
      return;
    }
    case 'unaryGrad':
      unaryGradRun(step, slots, base, stride, r, len);
      return;
  }
}

/** `r[j] = g · f′(x, out)` over one block, the rule evaluated in numbers. */
function unaryGradRun(
  step: Extract<FusedStep, { kind: 'unaryGrad' }>,
  slots: Arr[],
  base: Int32Array,
  stride: Int32Array,
  r: Arr,
  len: number,
): void {
  const [g, go, gs, x, xo, xs] = operands(step.g, step.x, slots, base, stride);
  const y = slots[step.out]!;
  const yo = base[step.out]!;
  const ys = stride[step.out]!;
  const d = step.rule.grad;
  for (let j = 0; j < len; j++) {
    r[j] = g[go + j * gs]! * (d(NUMBERS, x[xo + j * xs]!, y[yo + j * ys]!, step.p, step.q) as number);
  }
}

type Operands = [Arr, number, number, Arr, number, number];

function operands(a: number, b: number, slots: Arr[], base: Int32Array, stride: Int32Array): Operands {
  return [slots[a]!, base[a]!, stride[a]!, slots[b]!, base[b]!, stride[b]!];
}

function compareBlock(op: CompareOp, [x, xo, xs, y, yo, ys]: Operands, r: Arr, len: number): void {
  for (let j = 0; j < len; j++) {
    const u = x[xo + j * xs]!;
    const v = y[yo + j * ys]!;
    const hit =
      op === 'eq' ? u === v : op === 'gt' ? u > v : op === 'lt' ? u < v : op === 'ge' ? u >= v : u <= v;
    r[j] = hit ? 1 : 0;
  }
}
