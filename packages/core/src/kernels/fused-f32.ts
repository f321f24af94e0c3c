/**
 * Float32 fused programs through the SIMD kernels: every input block is copied once into the
 * kernels' memory, each step runs as one block-level kernel call from register to register
 * there, and only the result leaves (written, added into an array, or summed). Steps without a
 * SIMD kernel (`sin`, `cos`, `pow`) run their JavaScript rule loop over the same memory.
 */

import { NUMBERS } from '../math/numbers.js';
import type { FusedProgram, FusedStep, Sink } from './fused-program.js';
import { binaryRun, unaryRun } from './rules.js';
import { type ElementwiseF32, elementwiseF32, isSimdBinary, isSimdUnary } from './wasm/elementwise.js';

/** Floats per block and register: 8 KB, so a chain's live registers stay in the first-level cache. */
const BLOCK = 2048;
/** Bytes per register: a block and the 16 bytes of slack the vector loops may write past it. */
const REGISTER = (BLOCK + 16) * 4;

/** The kernels' memory as it was laid out for one program. */
interface Machine {
  readonly k: ElementwiseF32;
  readonly heap: Float32Array;
  /** Byte address of each slot's current block (leaves, then one register per step). */
  readonly at: Int32Array;
}

/**
 * Evaluates `program` into `sink`; the sum for a summing sink, else 0. Null where WebAssembly SIMD
 * is unavailable or an input is not float32: the caller then runs the JavaScript evaluator.
 */
export function evaluateF32(program: FusedProgram, sink: Sink): number | null {
  const { leaves, steps, length } = program;
  if (sink.kind !== 'sum' && !(sink.out instanceof Float32Array)) return null;
  if (!leaves.every((leaf) => leaf instanceof Float32Array)) return null;
  const m = layOut(program, sink);
  if (m === null) return null;
  const streamed = leaves.map((leaf, s) => (leaf.length === 1 ? -1 : s)).filter((s) => s >= 0);
  const result = m.at[leaves.length + steps.length - 1]!;
  let total = 0;
  for (let i0 = 0; i0 < length; i0 += BLOCK) {
    const len = Math.min(BLOCK, length - i0);
    for (const s of streamed) m.heap.set(leaves[s]!.subarray(i0, i0 + len), m.at[s]! >> 2);
    for (let k = 0; k < steps.length; k++) run(m, steps[k]!, m.at[leaves.length + k]!, len);
    total += drain(m, sink, result, i0, len);
  }
  return total;
}

/**
 * Reserves a region per input and per step (after the kernels' constants) and fills the regions
 * of one-element inputs with their value once, so every step reads whole blocks. A `copy` step
 * shares its operand's region.
 */
function layOut(program: FusedProgram, sink: Sink): Machine | null {
  const k = elementwiseF32();
  if (k === null) return null;
  const { leaves, steps } = program;
  const slots = leaves.length + steps.length;
  // One more region for the blocks of an array the result is added into.
  k.reserve(k.heapBase + (slots + (sink.kind === 'add' ? 1 : 0)) * REGISTER);
  const heap = new Float32Array(k.memory.buffer);
  const at = new Int32Array(slots + 1);
  for (let s = 0; s <= slots; s++) at[s] = k.heapBase + s * REGISTER;
  leaves.forEach((leaf, s) => {
    if (leaf.length === 1) heap.fill(leaf[0]!, at[s]! >> 2, (at[s]! >> 2) + BLOCK);
  });
  steps.forEach((step, i) => {
    if (step.kind === 'copy') at[leaves.length + i] = at[step.a]!;
  });
  return { k, heap, at };
}

/** One step over one block, into the register at byte address `dst`. */
function run(m: Machine, step: FusedStep, dst: number, len: number): void {
  const { k, heap, at } = m;
  switch (step.kind) {
    case 'unary': {
      const op = step.rule.name;
      if (isSimdUnary(op)) k.unary[op](at[step.a]!, dst, len, step.p, step.q);
      else unaryRun(op, heap, at[step.a]! >> 2, 1, heap, dst >> 2, len, step.p, step.q);
      return;
    }
    case 'binary': {
      const op = step.rule.name;
      if (isSimdBinary(op)) k.binary[op].vv(at[step.a]!, at[step.b]!, dst, len);
      else binaryRun(op, heap, at[step.a]! >> 2, 1, heap, at[step.b]! >> 2, 1, heap, dst >> 2, len);
      return;
    }
    case 'compare':
      k.binary[step.op].vv(at[step.a]!, at[step.b]!, dst, len);
      return;
    case 'where':
      k.where(at[step.cond]!, at[step.a]!, at[step.b]!, dst, len);
      return;
    case 'sign':
      k.unary.sign(at[step.a]!, dst, len, 0, 0);
      return;
    case 'copy': // shares its operand's region (layOut)
      return;
    case 'unaryGrad': {
      const name = step.rule.name;
      const kernel = FUSED_GRADS[name];
      if (kernel) k.binary[kernel].vv(at[step.g]!, at[name === 'relu' ? step.x : step.out]!, dst, len);
      else unaryGradOnHeap(m, step, dst, len);
      return;
    }
  }
}

/** The backward rules with a SIMD kernel of their own (taking the gradient and the saved value). */
const FUSED_GRADS: Partial<Record<string, 'sigmoidGrad' | 'tanhGrad' | 'reluGrad'>> = {
  sigmoid: 'sigmoidGrad',
  tanh: 'tanhGrad',
  relu: 'reluGrad',
};

/** `g · f′(x)` in JavaScript over the registers, for rules without a SIMD kernel. */
function unaryGradOnHeap(
  m: Machine,
  step: Extract<FusedStep, { kind: 'unaryGrad' }>,
  dst: number,
  len: number,
): void {
  const { heap, at } = m;
  const [g, x, y, r] = [at[step.g]! >> 2, at[step.x]! >> 2, at[step.out]! >> 2, dst >> 2];
  const d = step.rule.grad;
  for (let j = 0; j < len; j++)
    heap[r + j] = heap[g + j]! * (d(NUMBERS, heap[x + j]!, heap[y + j]!, step.p, step.q) as number);
}

/** Hands one block of the result at `r` to the sink; the block's sum for a summing sink. */
function drain(m: Machine, sink: Sink, r: number, i0: number, len: number): number {
  const { k, heap, at } = m;
  if (sink.kind === 'sum') return k.sum(r, len);
  const out = sink.out as Float32Array;
  if (sink.kind === 'add') {
    const into = at[at.length - 1]!;
    heap.set(out.subarray(i0, i0 + len), into >> 2);
    k.binary.add.vv(into, r, into, len);
    r = into;
  }
  out.set(heap.subarray(r >> 2, (r >> 2) + len), i0);
  return 0;
}
