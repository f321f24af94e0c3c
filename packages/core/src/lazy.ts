/**
 * Lazily fused elementwise chains. An elementwise op on large enough float tensors does not
 * compute its result: it returns a tensor whose value is pending — the op and its inputs. Pending
 * values chain, and the whole chain is evaluated in one pass, block by block, when something
 * reads it: a kernel that needs the data, a full `sum` (which consumes the chain without ever
 * storing it), a gradient added into `.grad`, the user. Intermediates never take memory of their
 * own, and a backward pass that refers to forward values recomputes them inside its own fused pass
 * instead of keeping them.
 *
 * Semantics stay eager: a pending value reads its inputs' buffers when evaluated, so every write in
 * place first evaluates the pending values still reading that buffer (`Tensor.writable`).
 */
import { currentScope, type RecyclingScope } from './buffer-pool.js';
import { allocate, type DType, type TypedArray } from './dtype.js';
import { type CompareOp, type FusedProgram, type FusedStep, runFused, sumFused } from './kernels/fused.js';
import type { BinaryRule, UnaryRule } from './math/rules.js';
import { type PendingValue, type Storage, Tensor } from './tensor.js';

/** An elementwise step before its operands are numbered: what `FusedStep` is without them. */
export type FusedOp =
  | { readonly kind: 'unary'; readonly rule: UnaryRule; readonly p: number; readonly q: number }
  | { readonly kind: 'binary'; readonly rule: BinaryRule }
  | { readonly kind: 'compare'; readonly op: CompareOp }
  | { readonly kind: 'where' }
  | { readonly kind: 'sign' }
  | { readonly kind: 'copy' }
  | { readonly kind: 'unaryGrad'; readonly rule: UnaryRule; readonly p: number; readonly q: number };

/** Below this many elements ops compute at once: a pending value costs more than it saves. */
const MIN_ELEMENTS = 512;
/** A chain longer than this is evaluated before it grows further (bounds recomputation). */
const MAX_STEPS = 32;
/** Pending values reading one buffer before they are all evaluated (bounds what a buffer keeps alive). */
const MAX_READERS = 64;

/** The pending value of an elementwise op: the op, its inputs, and how many steps its chain has. */
class Lazy implements PendingValue {
  constructor(
    readonly op: FusedOp,
    /** Its operands; `rebase` may swap one for a copy of its buffer. */
    public inputs: Tensor[],
    readonly steps: number,
    /** The recycling scope that created it: its buffer may be reclaimed only at that scope's end. */
    readonly owner: RecyclingScope | null,
  ) {}

  evaluate(target: Tensor): TypedArray {
    const out = allocate(target.dtype, target.size, this.owner);
    runFused(compile(target), out);
    this.release(target);
    return out;
  }

  addInto(into: TypedArray): boolean {
    runFused(compileRoot(this, into.length, intoIsFloat64(into)), into, true);
    return true;
  }

  rebase(target: Tensor, from: Storage, copy: Tensor): void {
    this.inputs = this.inputs.map((x) => (x.storage === from ? copy : x));
    (copy.storage.readers ??= new Set()).add(target); // no cap here: this runs inside detachReaders
  }

  /** Stops reading the inputs' buffers once evaluated. */
  release(target: Tensor): void {
    for (const x of this.inputs) x.storage.readers?.delete(target);
  }
}

const intoIsFloat64 = (a: TypedArray) => a instanceof Float64Array;

/** Whether an elementwise result of `size` elements of `dtype` would be left pending. */
export const fusible = (size: number, dtype: DType): boolean => dtype !== 'int32' && size >= MIN_ELEMENTS;

/**
 * The result of `op` on `inputs` as a pending tensor of `shape` and `dtype`, or null when the op
 * should run at once: integer data, a small result, or an input that is neither the result's size
 * nor a single element (a general broadcast).
 */
export function fuse(
  op: FusedOp,
  inputs: readonly Tensor[],
  shape: readonly number[],
  dtype: DType,
): Tensor | null {
  let size = 1;
  for (const d of shape) size *= d;
  if (!fusible(size, dtype)) return null;
  let steps = 1;
  for (const x of inputs) {
    if (x.dtype !== dtype || (x.size !== size && x.size !== 1)) return null;
    if (x._pending instanceof Lazy) steps += x._pending.steps;
  }
  if (steps > MAX_STEPS) {
    for (const x of inputs) if (x._pending instanceof Lazy) void x.data;
    steps = 1;
  }
  const out = new Tensor(null, shape, dtype, new Lazy(op, [...inputs], steps, currentScope()));
  for (const x of inputs) addReader(x, out);
  return out;
}

function addReader(x: Tensor, reader: Tensor): void {
  const readers = (x.storage.readers ??= new Set());
  readers.add(reader);
  if (readers.size > MAX_READERS) x.detachReaders(); // bounds what x's storage keeps alive
}

/** Σ of a pending tensor's elements (float64 accumulation) without storing them; null if not pending. */
export function sumPending(t: Tensor): number | null {
  if (!(t._pending instanceof Lazy)) return null;
  return sumFused(compile(t));
}

/** The fused program computing `root`. */
function compile(root: Tensor): FusedProgram {
  return compileRoot(root._pending as Lazy, root.size, root.dtype === 'float64', root);
}

function compileRoot(lazy: Lazy, length: number, float64: boolean, root?: Tensor): FusedProgram {
  const leaves: TypedArray[] = [];
  const leafOf = new Map<Tensor, number>();
  const steps: { op: FusedOp; refs: number[] }[] = [];
  const stepOf = new Map<Tensor | Lazy, number>();
  // References: a leaf is −(index + 1), a step is its index; numbered into slots at the end.
  const ref = (x: Tensor): number => {
    if (x._pending instanceof Lazy) {
      const known = stepOf.get(x);
      if (known !== undefined) return known;
      const k = visit(x._pending);
      stepOf.set(x, k);
      return k;
    }
    let leaf = leafOf.get(x);
    if (leaf === undefined) {
      leaf = leaves.length;
      leaves.push(x.data);
      leafOf.set(x, leaf);
    }
    return -(leaf + 1);
  };
  const visit = (node: Lazy): number => {
    const refs = node.inputs.map(ref);
    steps.push({ op: node.op, refs });
    return steps.length - 1;
  };
  const top = visit(lazy);
  if (root) stepOf.set(root, top);
  const slot = (r: number) => (r < 0 ? -r - 1 : leaves.length + r);
  return { length, float64, leaves, steps: steps.map((s) => numbered(s.op, s.refs.map(slot))) };
}

function numbered(op: FusedOp, r: number[]): FusedStep {
  switch (op.kind) {
    case 'unary':
      return { kind: 'unary', rule: op.rule, p: op.p, q: op.q, a: r[0]! };
    case 'binary':
      return { kind: 'binary', rule: op.rule, a: r[0]!, b: r[1]! };
    case 'compare':
      return { kind: 'compare', op: op.op, a: r[0]!, b: r[1]! };
    case 'where':
      return { kind: 'where', cond: r[0]!, a: r[1]!, b: r[2]! };
    case 'sign':
      return { kind: 'sign', a: r[0]! };
    case 'copy':
      return { kind: 'copy', a: r[0]! };
    case 'unaryGrad':
      return { kind: 'unaryGrad', rule: op.rule, p: op.p, q: op.q, g: r[0]!, x: r[1]!, out: r[2]! };
  }
}
