/**
 * Reverse mode over the Scalar tape in plain numbers: one loop over the touched nodes in
 * descending creation order, multiplying each node's gradient by the local derivatives recorded
 * in the forward pass. No closures, sets or maps per node: the order is the tape's own (segments
 * hold their nodes in creation order), and a node's gradient is final when the loop reaches it.
 */
import { TapegradError } from '../errors.js';
import { isAnomalyEnabled } from '../grad-mode.js';
import { CUSTOM, opName } from './ops.js';
import {
  CONST_LEFT,
  NO_PARENT,
  nodeKey,
  P0_GRAD,
  P1_GRAD,
  parentSegment,
  parentSlot,
  RELEASED,
  REQUIRES_GRAD,
  RETAINS_GRAD,
  type Segment,
  TOUCHED,
} from './segment.js';

/** A node, as (segment, slot). */
export interface NodeRef {
  readonly seg: Segment;
  readonly at: number;
}

/** How a backward pass treats what it reaches. */
export interface NumericBackwardOptions {
  /** Keep the graph for another backward pass (otherwise its nodes are marked released). */
  retainGraph: boolean;
  /** Return gradients for these nodes instead of accumulating into `.grad` (functional mode). */
  inputs?: readonly NodeRef[];
  /**
   * Only read the graph: go through released nodes too (their local derivatives are still on the
   * tape) and mark nothing. The inspection tools use it to recompute a gradient after `backward()`.
   */
  readOnly?: boolean;
}

/**
 * Backpropagates `seeds` from `roots`. Accumulates into `.grad` of leaves and retaining nodes, or,
 * with `inputs`, returns their gradients (null for an input no gradient reached) and leaves every
 * `.grad` untouched.
 */
export function backwardNumbers(
  roots: readonly NodeRef[],
  seeds: readonly number[],
  options: NumericBackwardOptions,
): (number | null)[] {
  const pass = new Pass(options);
  roots.forEach((r, i) => pass.touch(r.seg, r.at, seeds[i]!));
  try {
    pass.run();
  } catch (e) {
    pass.abandon();
    throw e;
  }
  return options.inputs ? options.inputs.map((n) => pass.results.get(nodeKey(n.seg, n.at)) ?? null) : [];
}

/** One backward pass: the queues of segments holding touched nodes, and what it collected. */
class Pass {
  private readonly opQueue: Segment[] = [];
  private readonly leafQueue: Segment[] = [];
  private readonly inputKeys: Set<number> | undefined;
  /** The segment being run (no longer in a queue). */
  private active: Segment | undefined;
  readonly results = new Map<number, number>();

  constructor(private readonly options: NumericBackwardOptions) {
    this.inputKeys = options.inputs ? new Set(options.inputs.map((n) => nodeKey(n.seg, n.at))) : undefined;
  }

  /** Adds a gradient contribution to node (seg, at). */
  touch(seg: Segment, at: number, g: number): void {
    const flags = seg.flags[at]!;
    if ((flags & TOUCHED) !== 0) seg.acc[at] = seg.acc[at]! + g;
    else {
      seg.acc[at] = g;
      seg.flags[at] = flags | TOUCHED;
      if (at > seg.touchedHigh) seg.touchedHigh = at;
      if (at < seg.touchedLow) seg.touchedLow = at;
      if (!seg.queued) {
        seg.queued = true;
        (seg.holdsLeaves ? this.leafQueue : this.opQueue).push(seg);
      }
    }
  }

  run(): void {
    // Op segments newest first: a node's parents are older, so its gradient is complete when reached.
    for (let seg = takeNewest(this.opQueue); seg !== undefined; seg = takeNewest(this.opQueue)) {
      this.active = seg;
      this.runSegment(seg);
    }
    this.active = undefined;
    for (const seg of this.leafQueue) this.finishLeaves(seg);
    this.leafQueue.length = 0;
  }

  private runSegment(seg: Segment): void {
    const { acc, flags } = seg;
    for (let at = seg.touchedHigh; at >= seg.touchedLow; at--) {
      const flag = flags[at]!;
      if ((flag & TOUCHED) === 0) continue;
      const g = acc[at]!;
      if ((flag & RELEASED) !== 0 && !this.options.readOnly) throw secondBackward(seg, at);
      if (this.inputKeys?.has(nodeKey(seg, at))) {
        this.results.set(nodeKey(seg, at), g);
        clear(seg, at, flag);
        continue;
      }
      if ((flag & RETAINS_GRAD) !== 0 && this.inputKeys === undefined)
        seg.setGradient(at, seg.gradientOf(at) + g);
      const keep = this.options.retainGraph || this.options.readOnly || this.inputKeys !== undefined;
      clear(seg, at, keep ? flag : flag | RELEASED);
      if (seg.ops[at] === CUSTOM) this.runCustom(seg, at, g);
      else this.propagate(seg, at, flag, g);
    }
    untouch(seg);
  }

  /** Sends `g · ∂node/∂parent` to each parent that requires grad. */
  private propagate(seg: Segment, at: number, flag: number, g: number): void {
    if ((flag & P0_GRAD) !== 0) this.send(seg, at, seg.parents[2 * at]!, g * seg.d0[at]!);
    if ((flag & P1_GRAD) !== 0) this.send(seg, at, seg.parents[2 * at + 1]!, g * seg.d1[at]!);
  }

  private send(seg: Segment, at: number, position: number, contribution: number): void {
    const target = parentSegment(seg, position);
    const slot = parentSlot(position);
    if (isAnomalyEnabled() && !Number.isFinite(contribution)) throw nonFinite(seg, at, target, slot);
    this.touch(target, slot, contribution);
  }

  private runCustom(seg: Segment, at: number, g: number): void {
    const node = seg.customs!.get(at)!;
    const grads = node.numeric(g);
    node.parents.forEach((p, i) => {
      const gi = grads[i];
      if (gi === null || gi === undefined || (p.seg.flags[p.at]! & REQUIRES_GRAD) === 0) return;
      if (isAnomalyEnabled() && !Number.isFinite(gi)) throw nonFinite(seg, at, p.seg, p.at);
      this.touch(p.seg, p.at, gi);
    });
  }

  /** Leaves take their final gradient into `.grad` (or into the results, in functional mode). */
  private finishLeaves(seg: Segment): void {
    for (let at = seg.touchedHigh; at >= seg.touchedLow; at--) {
      const flag = seg.flags[at]!;
      if ((flag & TOUCHED) === 0) continue;
      const g = seg.acc[at]!;
      if (this.inputKeys === undefined) seg.grad[at] = seg.grad[at]! + g;
      else if (this.inputKeys.has(nodeKey(seg, at))) this.results.set(nodeKey(seg, at), g);
      clear(seg, at, flag);
    }
    untouch(seg);
  }

  /** After an error: clears every pending gradient so the tape is as if the pass never ran. */
  abandon(): void {
    const pending = [...this.opQueue, ...this.leafQueue];
    if (this.active) pending.push(this.active);
    for (const seg of pending) {
      for (let at = seg.touchedHigh; at >= seg.touchedLow; at--) {
        if ((seg.flags[at]! & TOUCHED) !== 0) clear(seg, at, seg.flags[at]!);
      }
      untouch(seg);
    }
  }
}

/** Resets a node's accumulator and touched mark, storing `flag` (without TOUCHED). */
function clear(seg: Segment, at: number, flag: number): void {
  seg.acc[at] = 0;
  seg.flags[at] = flag & ~TOUCHED;
}

/** Marks a segment as holding no touched node and not queued. */
function untouch(seg: Segment): void {
  seg.touchedHigh = -1;
  seg.touchedLow = seg.capacity;
  seg.queued = false;
}

/** Removes and returns the newest segment of the queue. */
function takeNewest(queue: Segment[]): Segment | undefined {
  if (queue.length === 0) return undefined;
  let k = 0;
  for (let i = 1; i < queue.length; i++) if (queue[i]!.order > queue[k]!.order) k = i;
  const seg = queue[k]!;
  queue[k] = queue[queue.length - 1]!;
  queue.pop();
  return seg;
}

/** The op name of a node, with its custom name for custom ops. */
export const nodeOpName = (seg: Segment, at: number): string =>
  seg.ops[at] === CUSTOM ? seg.customs!.get(at)!.name : opName(seg.ops[at]!);

/** The error of a backward pass that reaches a node an earlier pass released. */
export function secondBackward(seg: Segment, at: number): TapegradError {
  return new TapegradError(
    'backward',
    `tried to run backward through the graph a second time: the graph of '${nodeOpName(seg, at)}' was released by the first backward(). Pass { retainGraph: true } to the first backward() to keep the graph.`,
  );
}

function nonFinite(seg: Segment, at: number, parent: Segment, slot: number): TapegradError {
  const op = nodeOpName(seg, at);
  const where = seg.createdAt?.get(at);
  return new TapegradError(
    op,
    `the backward of '${op}' produced NaN or Infinity in the gradient of its input (a '${nodeOpName(parent, slot)}' node).` +
      (where ? `\n'${op}' was created at:\n${where}` : ''),
  );
}

/** True when the node's number operand is its left one. */
export const constantIsLeft = (seg: Segment, at: number): boolean => (seg.flags[at]! & CONST_LEFT) !== 0;

/** The two parameters of a one-input op node (slope, alpha, beta and threshold, min and max). */
export const unaryParams = (seg: Segment, at: number): [number, number] => [
  seg.d1[at]!,
  seg.secondParams?.get(at) ?? 0,
];

/** The (segment, slot) of parent `k` (0 or 1) of a rule node, or null for a constant operand. */
export function parentOf(seg: Segment, at: number, k: 0 | 1): NodeRef | null {
  const position = seg.parents[2 * at + k]!;
  return position === NO_PARENT ? null : { seg: parentSegment(seg, position), at: parentSlot(position) };
}
