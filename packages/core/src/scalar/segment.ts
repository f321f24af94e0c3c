/**
 * The Scalar tape: nodes live in segments of typed arrays, not in objects. A node is a slot of a
 * segment. An op result holds its value, the gradient being accumulated, the local derivatives with
 * respect to its (at most two) parents, the parents' positions, an op code and flags — 42 bytes in
 * all (a number operand or an op parameter takes the derivative slot of the missing parent); a leaf holds its value, its `.grad`, the accumulator, op
 * code and flags. A `Scalar` is a thin handle (segment, slot) onto it. Each field is its own array
 * of at most 64 KB, small enough that the allocator recycles freed segments' memory rather than
 * asking the system for fresh pages.
 *
 * Segments are ordinary garbage-collected objects: a handle keeps its segment alive, and a segment
 * keeps alive the segments its nodes' parents live in (`deps`), so nothing needs disposing. Recorded
 * nodes (op results) and unrecorded ones (leaves, results computed without recording) go to separate
 * segments, and `backward()` starts a fresh op segment: a graph that has been backpropagated never
 * shares a segment with the next one, so a training loop's old graphs are not kept alive by new ones.
 */

/** The node requires grad (a leaf that asked for it, or an op result recorded from one). */
export const REQUIRES_GRAD = 1;
/** The node is an op result on the tape (it has parents and local derivatives). */
export const RECORDED = 2;
/** A `backward()` without `retainGraph` went through this node. */
export const RELEASED = 4;
/** `retainGrad()` was called: keep this op result's gradient in `.grad`. */
export const RETAINS_GRAD = 8;
/** The node received a gradient in the current backward pass. */
export const TOUCHED = 16;
/** Parent 0 requires grad (gradients flow to it). */
export const P0_GRAD = 32;
/** Parent 1 requires grad. */
export const P1_GRAD = 64;
/** The number operand is the left one (`c − x`, `c / x`, `c ^ x`); it is stored in `d0`. */
export const CONST_LEFT = 128;

/** Parent position meaning "no parent" (a constant operand or a one-input op). */
export const NO_PARENT = -1;
/** Bits of a parent position that hold the slot; the bits above select a segment of `deps`. */
export const SLOT_BITS = 13;
/** Largest segment, in nodes. */
export const MAX_CAPACITY = 1 << SLOT_BITS;
const SLOT_MASK = MAX_CAPACITY - 1;
/** First segment after a fresh start; segments double up to {@link MAX_CAPACITY}. */
const MIN_CAPACITY = 256;

/** A node of a custom op (`customGrad`): any number of parents and user backward rules. */
export interface CustomNode {
  readonly name: string;
  /** The inputs, as (segment, slot) pairs. */
  readonly parents: readonly { seg: Segment; at: number }[];
  /** The backward rule in numbers: gradient of the output → one gradient (or null) per input. */
  numeric(g: number): readonly (number | null)[];
  /** The backward rule recorded with Scalar ops (for gradients of gradients). */
  recorded(g: unknown): readonly (unknown | null)[];
}

let segmentsMade = 0;

/** A block of nodes. */
export class Segment {
  /** Creation order of segments: op segments are filled one after another, so this orders op nodes. */
  readonly order = segmentsMade++;
  /** Nodes stored so far. */
  count = 0;
  readonly value: Float64Array;
  /** The gradient being accumulated by the running backward pass (0 otherwise). */
  readonly acc: Float64Array;
  /** `.grad` of leaves (leaf segments only). */
  readonly grad: Float64Array;
  /** ∂node/∂parent0, or a left number operand (op segments only). */
  readonly d0: Float64Array;
  /** ∂node/∂parent1, a right number operand, or a one-input op's first parameter (op segments only). */
  readonly d1: Float64Array;
  /** Two parent positions per node (`(depSlot << SLOT_BITS) | slot`, or {@link NO_PARENT}). */
  readonly parents: Int32Array;
  /** Op code per node (see `ops.ts`). */
  readonly ops: Uint8Array;
  readonly flags: Uint8Array;
  /** Segments holding this segment's parents; index 0 is the segment itself. */
  readonly deps: Segment[] = [this];
  private depSlots: Map<Segment, number> | undefined;
  private lastDep: Segment = this;
  private lastDepSlot = 0;
  /** `.grad` of op results that retain their gradient, by slot. */
  retained: Map<number, number> | undefined;
  /** Labels given to nodes, by slot. */
  labels: Map<number, string> | undefined;
  /** The second parameter of one-input ops that have two (softplus threshold, clamp max), by slot. */
  secondParams: Map<number, number> | undefined;
  /** Custom-op nodes, by slot. */
  customs: Map<number, CustomNode> | undefined;
  /** Where nodes were created, by slot (under `detectAnomaly` only). */
  createdAt: Map<number, string> | undefined;
  /** Range of slots touched by the running backward pass, and whether the segment is queued. */
  touchedHigh = -1;
  touchedLow = MAX_CAPACITY;
  queued = false;

  constructor(
    readonly capacity: number,
    /** Holds leaves and unrecorded results only: nothing here has parents. */
    readonly holdsLeaves: boolean,
  ) {
    const ops = holdsLeaves ? 0 : capacity;
    this.value = new Float64Array(capacity);
    this.acc = new Float64Array(capacity);
    this.grad = new Float64Array(holdsLeaves ? capacity : 0);
    this.d0 = new Float64Array(ops);
    this.d1 = new Float64Array(ops);
    this.parents = new Int32Array(2 * ops);
    this.ops = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  /** The parent position of (`seg`, `at`) as seen from this segment, adding `seg` to `deps`. */
  link(seg: Segment, at: number): number {
    if (seg === this) return at;
    if (seg !== this.lastDep) {
      this.depSlots ??= new Map();
      let slot = this.depSlots.get(seg);
      if (slot === undefined) {
        slot = this.deps.length;
        this.deps.push(seg);
        this.depSlots.set(seg, slot);
      }
      this.lastDep = seg;
      this.lastDepSlot = slot;
    }
    return (this.lastDepSlot << SLOT_BITS) | at;
  }

  /** `.grad` of node `at`: a leaf's own, or a retaining op result's. */
  gradientOf(at: number): number {
    return this.holdsLeaves ? this.grad[at]! : (this.retained?.get(at) ?? 0);
  }

  /** Sets `.grad` of node `at`. */
  setGradient(at: number, g: number): void {
    if (this.holdsLeaves) this.grad[at] = g;
    else (this.retained ??= new Map()).set(at, g);
  }
}

/** The segment a parent position points into, seen from `seg`. */
export const parentSegment = (seg: Segment, position: number): Segment => seg.deps[position >>> SLOT_BITS]!;
/** The slot a parent position points to. */
export const parentSlot = (position: number): number => position & SLOT_MASK;

let opSegment: Segment | null = null;
let leafSegment: Segment | null = null;
let nextOpCapacity = MIN_CAPACITY;
let nextLeafCapacity = MIN_CAPACITY;

/** The segment the next op result goes to (with a free slot). */
export function opSegmentWithRoom(): Segment {
  if (opSegment === null || opSegment.count === opSegment.capacity) {
    retiredOpNodes += opSegment?.count ?? 0;
    opSegment = new Segment(nextOpCapacity, false);
    nextOpCapacity = Math.min(MAX_CAPACITY, nextOpCapacity * 2);
  }
  return opSegment;
}

/** The segment the next leaf or unrecorded result goes to (with a free slot). */
export function leafSegmentWithRoom(): Segment {
  if (leafSegment === null || leafSegment.count === leafSegment.capacity) {
    retiredLeafNodes += leafSegment?.count ?? 0;
    leafSegment = new Segment(nextLeafCapacity, true);
    nextLeafCapacity = Math.min(MAX_CAPACITY, nextLeafCapacity * 2);
  }
  return leafSegment;
}

/**
 * Starts a new op segment for whatever is recorded next. Called when a backward pass releases a
 * graph, so the next graph does not share (and keep alive) the released one's segment.
 */
export function sealOpSegment(): void {
  if (opSegment !== null && opSegment.count > 0) {
    retiredOpNodes += opSegment.count;
    opSegment = null;
    nextOpCapacity = MIN_CAPACITY;
  }
}

/** A number that orders nodes by creation within op segments (and identifies any node). */
export const nodeKey = (seg: Segment, at: number): number => seg.order * MAX_CAPACITY + at;

/** A key no larger than that of any op result recorded from now on (op results' keys only grow). */
export const nextOpKey = (): number =>
  opSegment === null ? segmentsMade * MAX_CAPACITY : nodeKey(opSegment, opSegment.count);

/** Bytes of tape memory per recorded op result. */
export const BYTES_PER_NODE = 4 * 8 + 2 * 4 + 2;

/** Counts of the nodes the tape has stored since the process started. */
export interface TapeCounts {
  /** Op results recorded with their local derivatives. */
  recorded: number;
  /** Leaves and results computed without recording. */
  unrecorded: number;
}

/** How many nodes each kind of segment has handed out (counted when a segment is retired or read). */
export function tapeCounts(): TapeCounts {
  return {
    recorded: retiredOpNodes + (opSegment?.count ?? 0),
    unrecorded: retiredLeafNodes + (leafSegment?.count ?? 0),
  };
}

let retiredOpNodes = 0;
let retiredLeafNodes = 0;
