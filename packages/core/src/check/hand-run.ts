/**
 * Running a hand-checked function at one point: once with gradients (autodiff, and the values
 * labelled inside it, found by the label hook as they are created), and without gradients for
 * central differences with respect to an input or to a labelled intermediate. An intermediate is
 * nudged by the hook the moment it receives its label — before anything has used it — so the
 * difference runs through everything computed from it, exactly as autodiff does.
 */
import { gradientsOf } from '../differentiable.js';
import { fmtShape, TapegradError } from '../errors.js';
import { noGrad, withGradMode } from '../grad-mode.js';
import { walkGraph } from '../graph.js';
import { withLabelHook } from '../label-hook.js';
import { Scalar, scalar, scalarSeqWatermark } from '../scalar.js';
import { nextSeq } from '../tape.js';
import { Tensor } from '../tensor.js';
import {
  checkOutput,
  type Differentiable,
  elementOf,
  flatValues,
  leafCopy,
  setElement,
  sizeOfValue,
} from './values.js';

const FN = 'checkHandDerived';

/** What a hand gradient is checked against: an input of `f`, or a value labelled inside `f`. */
export interface HandTarget {
  /** The label (or `input k` for an unlabelled input). */
  name: string;
  /** Position among `f`'s inputs; -1 for a value labelled inside `f`. */
  inputIndex: number;
}

/** The function under check, called with copies of its inputs. */
export type Call = (...inputs: Differentiable[]) => Differentiable;

/** The inputs' elements at one point, flat float64 per input. */
export type Point = Float64Array[];

/** One run of the function with gradients. */
export interface Run {
  out: Differentiable;
  /** The leaf copies the function received. */
  inputs: Differentiable[];
  /** Values labelled inside the function (each label given once) and labelled nodes of its graph. */
  labelled: Map<string, Differentiable>;
  /** Labels given to more than one value in the run: they cannot name a target. */
  repeated: Set<string>;
}

/** Copies of `templates` holding the point's values (float64 copies of Tensors when `promote`). */
export function copiesAt(
  templates: readonly Differentiable[],
  point: Point,
  requiresGrad: boolean,
  promote: boolean,
): Differentiable[] {
  return templates.map((x, k) => {
    const c = leafCopy(x, requiresGrad, promote && x instanceof Tensor ? 'float64' : undefined);
    point[k]!.forEach((v, i) => setElement(c, i, v));
    return c;
  });
}

/**
 * Runs the function with gradients at `point`. Labels in `watched` (the intermediate targets)
 * must be given before their value is used: the finite differences nudge them at that moment.
 */
export function runWithGrad(
  call: Call,
  templates: readonly Differentiable[],
  point: Point,
  watched: ReadonlySet<string>,
): Run {
  const inputs = copiesAt(templates, point, true, false);
  const seen = new Map<string, Differentiable[]>();
  const marks = new Map<number, number>();
  const hook = (node: unknown, label: string) => {
    if (!(node instanceof Scalar) && !(node instanceof Tensor)) return;
    seen.set(label, [...(seen.get(label) ?? []), node]);
    // Every value created from here on has a larger seq: a user of `node` below the mark was too early.
    if (watched.has(label)) marks.set(node.seq, node instanceof Scalar ? scalarSeqWatermark() : nextSeq());
  };
  const out = checkOutput(
    FN,
    withLabelHook(hook, () => withGradMode(true, () => call(...inputs))),
  );
  if (sizeOfValue(out) !== 1) {
    throw new TapegradError(
      FN,
      `the function must return a single value (a loss), got shape ${fmtShape(out.shape)}. Reduce it (e.g. .sum()) first.`,
    );
  }
  const graph = walkGraph([out]);
  requireLabelledBeforeUse(graph, marks);
  const labelled = new Map<string, Differentiable>();
  const repeated = new Set<string>();
  for (const [label, nodes] of seen) {
    if (nodes.length === 1) labelled.set(label, nodes[0]!);
    else repeated.add(label);
  }
  for (const n of graph) {
    if (n.label !== undefined && !seen.has(n.label) && !labelled.has(n.label)) labelled.set(n.label, n);
  }
  return { out, inputs, labelled, repeated };
}

function requireLabelledBeforeUse(
  graph: readonly Differentiable[],
  marks: ReadonlyMap<number, number>,
): void {
  for (const user of graph) {
    for (const p of user.parents as Differentiable[]) {
      const mark = marks.get(p.seq);
      if (mark === undefined || user.seq >= mark) continue;
      throw new TapegradError(
        FN,
        `'${p.label}' was labelled after '${user.op}' used it, so finite differences could not nudge it where it is made. Give the label as the value is created, before using it (const h = x.matmul(w); h.label = '${p.label}'; … h.relu()).`,
      );
    }
  }
}

/** The target's node in a run: the input copy, or the value labelled inside the function. */
export function targetNode(run: Run, target: HandTarget): Differentiable {
  if (target.inputIndex >= 0) return run.inputs[target.inputIndex]!;
  const node = run.labelled.get(target.name);
  if (node !== undefined) {
    if (!node.requiresGrad) {
      throw new TapegradError(
        FN,
        `'${target.name}' does not depend on any input, so it has no gradient to check; hand gradients are with respect to the inputs or to values computed from them.`,
      );
    }
    return node;
  }
  if (run.repeated.has(target.name)) {
    throw new TapegradError(
      FN,
      `the label '${target.name}' was given to several values in one run of the function; a hand gradient needs it on exactly one.`,
    );
  }
  const known = [...run.labelled.keys()].map((l) => `'${l}'`).join(', ') || 'none';
  throw new TapegradError(
    FN,
    `no input or value of the function is labelled '${target.name}' (labels seen: ${known}). Label the intermediate inside the function (h.label = '${target.name}') or pass it as an input.`,
  );
}

/** ∂out/∂node by autodiff (zeros when no gradient reaches it), the graph kept. */
export function autodiffOf(run: Run, node: Differentiable): Float64Array {
  if (!run.out.requiresGrad || !node.requiresGrad) return new Float64Array(sizeOfValue(node));
  const seed = run.out instanceof Scalar ? scalar(1) : leafCopy(run.out, false);
  if (seed instanceof Tensor) seed.data[0] = 1;
  const [g] = gradientsOf([run.out], [seed], [node], { retainGraph: true });
  return g ? flatValues(g) : new Float64Array(sizeOfValue(node));
}

/**
 * Central differences of the output for the given elements of `target` (NaN for the others),
 * in float64 on `copies` (the point's inputs, restored after each nudge).
 */
export function numericOf(
  call: Call,
  copies: readonly Differentiable[],
  target: HandTarget,
  size: number,
  elements: readonly number[],
  eps: number,
): Float64Array {
  const out = new Float64Array(size).fill(Number.NaN);
  for (const i of elements) {
    out[i] = (evaluate(call, copies, target, i, eps) - evaluate(call, copies, target, i, -eps)) / (2 * eps);
  }
  return out;
}

/** The output with element `i` of the target moved by `delta`. */
function evaluate(
  call: Call,
  copies: readonly Differentiable[],
  target: HandTarget,
  i: number,
  delta: number,
): number {
  const input = target.inputIndex >= 0 ? copies[target.inputIndex]! : null;
  const old = input ? elementOf(input, i) : 0;
  if (input) setElement(input, i, old + delta);
  let hits = 0;
  const hook = (node: unknown, label: string) => {
    if (input || label !== target.name) return;
    hits++;
    if (node instanceof Scalar || node instanceof Tensor) setElement(node, i, elementOf(node, i) + delta);
  };
  try {
    const out = checkOutput(
      FN,
      withLabelHook(hook, () => noGrad(() => call(...copies))),
    );
    if (!input && hits !== 1) {
      throw new TapegradError(
        FN,
        `the label '${target.name}' was given ${hits} times in a run without gradients (once with them); the function must compute the same values each time it is called.`,
      );
    }
    return elementOf(out, 0);
  } finally {
    if (input) setElement(input, i, old);
  }
}
