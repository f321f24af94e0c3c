/**
 * Random expression programs over every Scalar op, for property tests. A program is a DAG: each
 * instruction reads earlier nodes (so nodes are shared) and the last node is the output. The
 * builder looks at the values at a base point and inserts guards — shifts away from kinks and
 * ties, positive transforms before log/sqrt/fractional powers, rescaling to keep values bounded —
 * so the program is smooth near that point. Two evaluators run a program: one with Scalars (under
 * test) and one with plain `Math` (the independent reference for finite differences).
 */
import type { Scalar } from '@tapegrad/core';

/** Ops that take one node (and maybe a fixed number `p`). */
export const UNARY = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'abs',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'softplus',
  'addc',
  'mulc',
  'powc',
] as const;
/** Ops that take two nodes. */
export const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'] as const;
export type Op = (typeof UNARY)[number] | (typeof BINARY)[number];

/** One instruction: `op` applied to earlier nodes `args`, with a numeric parameter `p`. */
export interface Instr {
  op: Op;
  args: number[];
  p: number;
}

/** A program over `vars` inputs; node `i < vars` is input `i`, node `vars + k` is instruction `k`. */
export interface Program {
  vars: number;
  instrs: Instr[];
}

/** The random choices of one step, drawn by fast-check. */
export interface Step {
  op: number;
  chain: boolean;
  a: number;
  b: number;
  guard: number;
}

const BOUND = 3;
const KINK = 0.05;
const POW_EXPONENTS = [-1.5, -1, 0.5, 1.7, 2, 3];
const SLOPES = [0.01, 0.2, -0.3];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The reference semantics, in plain JavaScript. `branches` records which side of a kink was taken. */
export function plainOp(op: Op, x: number, y: number, p: number, branches: number[]): number {
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
    case 'pow':
      return x ** y;
    case 'maximum':
      branches.push(x > y ? 1 : 0);
      return Math.max(x, y);
    case 'minimum':
      branches.push(x < y ? 1 : 0);
      return Math.min(x, y);
    case 'neg':
      return -x;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'abs':
      branches.push(x > 0 ? 1 : 0);
      return Math.abs(x);
    case 'sin':
      return Math.sin(x);
    case 'cos':
      return Math.cos(x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'relu':
      branches.push(x > 0 ? 1 : 0);
      return Math.max(x, 0);
    case 'leakyRelu':
      branches.push(x > 0 ? 1 : 0);
      return x > 0 ? x : p * x;
    case 'softplus':
      return Math.log1p(Math.exp(x));
    case 'addc':
      return x + p;
    case 'mulc':
      return x * p;
    case 'powc':
      return x ** p;
  }
}

/** The same op with Scalars. */
export function scalarOp(op: Op, x: Scalar, y: Scalar | undefined, p: number): Scalar {
  const other = (): Scalar => {
    if (!y) throw new Error(`${op} needs two operands`);
    return y;
  };
  switch (op) {
    case 'add':
      return x.add(other());
    case 'sub':
      return x.sub(other());
    case 'mul':
      return x.mul(other());
    case 'div':
      return x.div(other());
    case 'pow':
      return x.pow(other());
    case 'maximum':
      return x.maximum(other());
    case 'minimum':
      return x.minimum(other());
    case 'neg':
      return x.neg();
    case 'exp':
      return x.exp();
    case 'log':
      return x.log();
    case 'sqrt':
      return x.sqrt();
    case 'abs':
      return x.abs();
    case 'sin':
      return x.sin();
    case 'cos':
      return x.cos();
    case 'tanh':
      return x.tanh();
    case 'sigmoid':
      return x.sigmoid();
    case 'relu':
      return x.relu();
    case 'leakyRelu':
      return x.leakyRelu(p);
    case 'softplus':
      return x.softplus();
    case 'addc':
      return x.add(p);
    case 'mulc':
      return x.mul(p);
    case 'powc':
      return x.pow(p);
  }
}

/** Runs a program with plain numbers; returns the output and the kink branches taken. */
export function evalPlain(prog: Program, xs: readonly number[]): { value: number; branches: number[] } {
  const vals = [...xs];
  const branches: number[] = [];
  for (const { op, args, p } of prog.instrs) {
    vals.push(plainOp(op, vals[args[0]!]!, args.length > 1 ? vals[args[1]!]! : 0, p, branches));
  }
  return { value: vals[vals.length - 1]!, branches };
}

/** Runs a program with Scalars. */
export function evalScalar(prog: Program, xs: readonly Scalar[]): Scalar {
  const vals = [...xs];
  for (const { op, args, p } of prog.instrs) {
    vals.push(scalarOp(op, vals[args[0]!]!, args.length > 1 ? vals[args[1]!] : undefined, p));
  }
  return vals[vals.length - 1]!;
}

/** Builds a smooth program near `point` from random steps. */
export function buildProgram(point: readonly number[], steps: readonly Step[]): Program {
  const instrs: Instr[] = [];
  const vals = [...point];
  const emit = (op: Op, args: number[], p = 0): number => {
    vals.push(plainOp(op, vals[args[0]!]!, args.length > 1 ? vals[args[1]!]! : 0, p, []));
    instrs.push({ op, args, p });
    return vals.length - 1;
  };
  const bounded = (i: number, bound = BOUND): number => {
    const v = Math.abs(vals[i]!);
    return v > bound ? emit('mulc', [i], bound / v) : i;
  };
  const awayFromKink = (i: number): number => (Math.abs(vals[i]!) < KINK ? emit('addc', [i], 0.25) : i);
  const positive = (i: number, guard: number): number => {
    switch (guard % 5) {
      case 0:
        return emit('addc', [emit('softplus', [i])], 0.1);
      case 1:
        return emit('addc', [emit('sigmoid', [i])], 0.1);
      case 2:
        return emit('addc', [emit('abs', [awayFromKink(i)])], 0.1);
      case 3:
        return emit('addc', [emit('mul', [i, i])], 0.1);
      default:
        return emit('exp', [i]);
    }
  };

  const ops: readonly Op[] = [...UNARY, ...BINARY];
  for (const s of steps) {
    const op = ops[s.op % ops.length]!;
    const n = vals.length;
    const a = s.chain ? n - 1 : Math.floor(s.a * n);
    let b = Math.floor(s.b * n);
    let out: number;
    switch (op) {
      case 'log':
      case 'sqrt':
        out = emit(op, [positive(a, s.guard)]);
        break;
      case 'abs':
      case 'relu':
        out = emit(op, [awayFromKink(a)]);
        break;
      case 'leakyRelu':
        out = emit(op, [awayFromKink(a)], SLOPES[s.guard % SLOPES.length]!);
        break;
      case 'addc':
      case 'mulc':
        out = emit(op, [a], s.b * 4 - 2);
        break;
      case 'powc': {
        const e = POW_EXPONENTS[s.guard % POW_EXPONENTS.length]!;
        const base = Number.isInteger(e) && e > 0 ? a : positive(a, s.guard + 1);
        out = emit(op, [base], e);
        break;
      }
      case 'div':
        if (Math.abs(vals[b]!) < 0.5) b = emit('addc', [b], vals[b]! < 0 ? -1 : 1);
        out = emit(op, [a, b]);
        break;
      case 'maximum':
      case 'minimum':
        if (Math.abs(vals[a]! - vals[b]!) < KINK) b = emit('addc', [b], 0.25);
        out = emit(op, [a, b]);
        break;
      case 'pow':
        out = emit(op, [bounded(positive(a, s.guard)), bounded(b, 1.5)]);
        break;
      default:
        out = BINARY.includes(op as (typeof BINARY)[number]) ? emit(op, [a, b]) : emit(op, [a]);
    }
    bounded(out);
  }
  return { vars: point.length, instrs };
}

/** Longest path from an input to the output, counted in instructions. */
export function depthOf(prog: Program): number {
  const depth: number[] = new Array<number>(prog.vars).fill(0);
  for (const { args } of prog.instrs) depth.push(1 + Math.max(...args.map((i) => depth[i]!)));
  return depth[depth.length - 1]!;
}

/** How many nodes are read by more than one instruction (shared subexpressions). */
export function sharedNodes(prog: Program): number {
  const uses = new Map<number, number>();
  for (const { args } of prog.instrs) for (const i of new Set(args)) uses.set(i, (uses.get(i) ?? 0) + 1);
  return [...uses.values()].filter((u) => u > 1).length;
}
