/**
 * Random tensor programs: a few input tensors of random shapes (sometimes large enough that
 * elementwise results stay pending and are fused, sometimes empty), then a sequence of ops, each
 * on earlier values. A program prints as the code it runs, so fast-check shows a failing one —
 * shrunk — as something to paste into a file.
 */
import { fromTypedArray, Generator, type Tensor } from '@tapegrad/core';
import fc from 'fast-check';
import { FUZZ_OPS } from './ops.js';

const sizeOfShape = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** One step: an op, its operands (indices into the values so far) and its raw integers. */
export interface Step {
  op: number;
  operands: [number, number];
  params: [number, number, number, number];
}

/** A program: its inputs' shapes and seed, its steps, and the dtype it runs in. */
export interface Program {
  shapes: number[][];
  seed: number;
  steps: Step[];
  dtype: 'float32' | 'float64';
}

/** Shapes of rank 0–3 with small sizes; one in six has ≥ 512 elements, one in eighteen an empty axis. */
const shapeArb: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 14, arbitrary: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<number[]>([512], [8, 64], [4, 8, 20], [600], [32, 17], [2, 16, 16]),
  },
  { weight: 1, arbitrary: fc.constantFrom<number[]>([0], [0, 3], [2, 0], [3, 0, 2]) },
);

const stepArb: fc.Arbitrary<Step> = fc.record({
  op: fc.integer({ min: 0, max: FUZZ_OPS.length - 1 }),
  operands: fc.tuple(fc.nat(20), fc.nat(20)),
  params: fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999), fc.nat(999)),
});

/** Programs of 1–3 inputs and 1–6 steps, in `dtype`. */
export const programArb = (dtype: Program['dtype']): fc.Arbitrary<Program> =>
  fc
    .record({
      shapes: fc.array(shapeArb, { minLength: 1, maxLength: 3 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      steps: fc.array(stepArb, { minLength: 1, maxLength: 6 }),
    })
    .map((p) => withText({ ...p, dtype }));

/** The inputs of `program`: normal draws from its seed, leaves that require grad when `grad`. */
export function inputsOf(program: Program, grad: boolean): Tensor[] {
  const gen = new Generator(program.seed);
  return program.shapes.map((shape) => {
    const data =
      program.dtype === 'float64'
        ? new Float64Array(sizeOfShape(shape))
        : new Float32Array(sizeOfShape(shape));
    gen.fillNormal(data);
    const t = fromTypedArray(data, shape);
    return grad ? t.requiresGrad_() : t;
  });
}

/**
 * Which earlier values a step reads. A two-operand op whose operands differ in shape reads its
 * first operand twice two times in three (so most programs stay valid and grow deep), and the
 * operands as drawn otherwise (which may broadcast, or be an error).
 */
function operands(shapes: readonly (readonly number[])[], step: Step): [number, number] {
  const a = step.operands[0] % shapes.length;
  const b = step.operands[1] % shapes.length;
  return sameShape(shapes[a]!, shapes[b]!) || step.params[3] % 3 === 0 ? [a, b] : [a, a];
}

/**
 * Runs `program` on `inputs` and returns every value it made (inputs first). Throws what an op
 * throws; the caller decides which errors are acceptable.
 */
export function run(program: Program, inputs: readonly Tensor[]): Tensor[] {
  const values = [...inputs];
  runInto(program, values);
  return values;
}

/** Runs the steps, appending each result to `values` (so what was made survives an error). */
function runInto(program: Program, values: Tensor[]): void {
  for (const step of program.steps) {
    const op = FUZZ_OPS[step.op]!;
    const [a, b] = operands(
      values.map((v) => v.shape),
      step,
    );
    values.push(op.apply(op.arity === 1 ? [values[a]!] : [values[a]!, values[b]!], step.params));
  }
}

/** The program as the code it runs. */
export function programText(program: Program): string {
  const names = program.shapes.map((_, i) => `x${i}`);
  const shapes: number[][] = [...program.shapes];
  const lines = [
    `// ${program.dtype}, inputs from new Generator(${program.seed}).fillNormal, requiresGrad`,
    ...program.shapes.map((s, i) => `const x${i} = /* ${JSON.stringify(s)} */ input(${i});`),
  ];
  const live = safeValues(program);
  program.steps.forEach((step, k) => {
    const op = FUZZ_OPS[step.op]!;
    const count = names.length;
    const [a, b] = operands(shapes, step);
    const args = op.arity === 1 ? [names[a]!] : [names[a]!, names[b]!];
    const argShapes = op.arity === 1 ? [shapes[a]!] : [shapes[a]!, shapes[b]!];
    lines.push(`const v${k} = ${op.show(args, step.params, argShapes)};`);
    names.push(`v${k}`);
    // a value the program never made (it threw before) prints as [] and is not reused
    shapes.push(live[count] ? [...live[count]!.shape] : []);
  });
  return lines.join('\n');
}

/** The values a run made before it ended (normally or by an error), for printing shapes. */
function safeValues(program: Program): Tensor[] {
  const values = inputsOf(program, false);
  try {
    runInto(program, values);
  } catch {
    // the printout shows the steps up to the one that threw
  }
  return values;
}

/** Attaches the printout fast-check uses for counterexamples. */
function withText(program: Program): Program {
  return Object.assign(program, { [fc.toStringMethod]: () => `\n${programText(program)}\n` });
}
