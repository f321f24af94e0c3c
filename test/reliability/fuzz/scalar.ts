/**
 * Scalar programs: random chains of elementwise ops on a few Scalars, run once on Scalars and
 * once on 0-d float64 tensors. One source of per-element maths means the two agree — values and
 * gradients — to the last bit or nearly (a recorded backward may add contributions in another
 * order, so gradients are compared to 1e-12 relative).
 */
import { type Scalar, scalar, type Tensor, tensor } from '@tapegrad/core';
import fc from 'fast-check';
import { expect } from 'vitest';

/** The operations both a Scalar and a 0-d tensor have, with the same meaning. */
interface Num<T> {
  add(o: T | number): T;
  sub(o: T | number): T;
  mul(o: T | number): T;
  div(o: T | number): T;
  pow(o: T | number): T;
  maximum(o: T | number): T;
  minimum(o: T | number): T;
  neg(): T;
  exp(): T;
  log(): T;
  sqrt(): T;
  square(): T;
  abs(): T;
  sin(): T;
  cos(): T;
  tanh(): T;
  sigmoid(): T;
  relu(): T;
  erf(): T;
  gelu(): T;
  softplus(): T;
  elu(alpha?: number): T;
  leakyRelu(slope?: number): T;
  clamp(min?: number, max?: number): T;
}

type Op = <T extends Num<T>>(a: T, b: T, c: number) => T;

/** Each op with its code, `$a` and `$b` earlier values, `$c` a constant in [−2, 2]. */
const OPS: readonly (readonly [string, Op])[] = [
  ['$a.add($b)', (a, b) => a.add(b)],
  ['$a.sub($b)', (a, b) => a.sub(b)],
  ['$a.mul($b)', (a, b) => a.mul(b)],
  ['$a.div($b.square().add(0.5))', (a, b) => a.div(b.square().add(0.5))],
  ['$a.square().add(0.5).pow($b.tanh())', (a, b) => a.square().add(0.5).pow(b.tanh())],
  ['$a.maximum($b)', (a, b) => a.maximum(b)],
  ['$a.minimum($b)', (a, b) => a.minimum(b)],
  ['$a.add($c)', (a, _, c) => a.add(c)],
  ['$a.mul($c)', (a, _, c) => a.mul(c)],
  ['$a.pow(2)', (a) => a.pow(2)],
  ['$a.neg()', (a) => a.neg()],
  ['$a.tanh().exp()', (a) => a.tanh().exp()],
  ['$a.square().add(0.25).log()', (a) => a.square().add(0.25).log()],
  ['$a.square().add(0.25).sqrt()', (a) => a.square().add(0.25).sqrt()],
  ['$a.abs()', (a) => a.abs()],
  ['$a.sin()', (a) => a.sin()],
  ['$a.cos()', (a) => a.cos()],
  ['$a.tanh()', (a) => a.tanh()],
  ['$a.sigmoid()', (a) => a.sigmoid()],
  ['$a.relu()', (a) => a.relu()],
  ['$a.erf()', (a) => a.erf()],
  ['$a.gelu()', (a) => a.gelu()],
  ['$a.softplus()', (a) => a.softplus()],
  ['$a.elu(0.5)', (a) => a.elu(0.5)],
  ['$a.leakyRelu(0.2)', (a) => a.leakyRelu(0.2)],
  ['$a.clamp(-0.5, 0.5 + Math.abs($c))', (a, _, c) => a.clamp(-0.5, 0.5 + Math.abs(c))],
];

/** A Scalar program: input values and steps (op, operands, constant). */
export interface ScalarProgram {
  inputs: number[];
  steps: { op: number; a: number; b: number; c: number }[];
}

function programText(p: ScalarProgram): string {
  const lines = p.inputs.map((v, i) => `const x${i} = scalar(${v}, { requiresGrad: true });`);
  const names = p.inputs.map((_, i) => `x${i}`);
  p.steps.forEach((s, k) => {
    const [code] = OPS[s.op]!;
    const a = names[s.a % names.length]!;
    const b = names[s.b % names.length]!;
    lines.push(
      `const v${k} = ${code.replaceAll('$a', a).replaceAll('$b', b).replaceAll('$c', String(s.c))};`,
    );
    names.push(`v${k}`);
  });
  return lines.join('\n');
}

/** Scalar programs of 1–3 inputs in [−2, 2] and 1–12 steps. */
export const scalarProgramArb: fc.Arbitrary<ScalarProgram> = fc
  .record({
    inputs: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 3 }),
    steps: fc.array(
      fc.record({
        op: fc.integer({ min: 0, max: OPS.length - 1 }),
        a: fc.nat(30),
        b: fc.nat(30),
        c: fc.double({ min: -2, max: 2, noNaN: true }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  })
  .map((p) => Object.assign(p, { [fc.toStringMethod]: () => `\n${programText(p)}\n` }));

function runOn<T extends Num<T>>(p: ScalarProgram, leaves: T[]): T {
  const values = [...leaves];
  for (const s of p.steps) {
    const [, op] = OPS[s.op]!;
    values.push(op(values[s.a % values.length]!, values[s.b % values.length]!, s.c));
  }
  return values.at(-1)!;
}

const close = (a: number, b: number, rtol: number) =>
  Object.is(a, b) ||
  (Number.isNaN(a) && Number.isNaN(b)) ||
  Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b));

/** Runs a program on Scalars and on 0-d float64 tensors; values must be equal, gradients too. */
export function checkScalarProgram(p: ScalarProgram): string {
  const xs = p.inputs.map((v) => scalar(v, { requiresGrad: true }));
  const ts = p.inputs.map((v) => tensor(v, { dtype: 'float64', requiresGrad: true }));
  const s = runOn<Scalar>(p, xs);
  const t = runOn<Tensor>(p, ts);
  expect(t.shape).toEqual([]);
  expect(close(s.value, t.item(), 0), `value: Scalar ${s.value}, tensor ${t.item()}`).toBe(true);
  if (!s.requiresGrad || !Number.isFinite(s.value)) return 'value';
  s.backward();
  t.backward();
  xs.forEach((x, i) => {
    const g = ts[i]!.grad?.item() ?? 0;
    expect(close(x.grad, g, 1e-12), `d/dx${i}: Scalar ${x.grad}, tensor ${g}`).toBe(true);
  });
  return 'gradient';
}
