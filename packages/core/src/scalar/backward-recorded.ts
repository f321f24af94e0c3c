/**
 * Reverse mode over the Scalar tape with the gradients themselves as Scalars, so that a recording
 * backward pass (`createGraph`, nested `grad(grad(f))`) builds a differentiable graph. Each local
 * derivative is the op's rule evaluated in Scalar ops — the same rule that gave the recorded
 * number — so first and second derivatives come from one definition.
 */

import { TapegradError } from '../errors.js';
import { isAnomalyEnabled } from '../grad-mode.js';
import type { Algebra, Value } from '../math/algebra.js';
import { type NodeRef, nodeOpName, parentOf, secondBackward, unaryParams } from './backward.js';
import { binaryRuleOf, CUSTOM, INPUT, isUnaryCode, unaryRuleOf } from './ops.js';
import { nodeKey, P0_GRAD, P1_GRAD, RELEASED, REQUIRES_GRAD, RETAINS_GRAD, type Segment } from './segment.js';

/** What the pass needs from the Scalar class, handed in so this module does not import it. */
export interface ScalarKit<S> {
  /** A handle onto an existing node. */
  handle(seg: Segment, at: number): S;
  /** Scalar ops as an algebra (recording when grad mode is on). */
  algebra: Algebra<S>;
  /** The number a gradient holds. */
  valueOf(g: S): number;
}

/** Options of {@link backwardRecorded}. */
export interface RecordedBackwardOptions {
  retainGraph: boolean;
  inputs?: readonly NodeRef[];
}

/**
 * Backpropagates `seeds` (Scalars) from `roots`; returns the gradients of `inputs` as Scalars, or
 * accumulates the numbers into `.grad` when there are none.
 */
export function backwardRecorded<S>(
  roots: readonly NodeRef[],
  seeds: readonly S[],
  options: RecordedBackwardOptions,
  kit: ScalarKit<S>,
): (S | null)[] {
  const inputKeys = options.inputs ? new Set(options.inputs.map((n) => nodeKey(n.seg, n.at))) : undefined;
  const { ops, leaves } = reachableNodes(roots, inputKeys);
  const pending = new Map<number, S>();
  const add = (n: NodeRef, g: S) => {
    const key = nodeKey(n.seg, n.at);
    const prev = pending.get(key);
    pending.set(key, prev === undefined ? g : (kit.algebra.add(prev, g) as S));
  };
  roots.forEach((r, i) => add(r, seeds[i]!));
  const results = new Map<number, S>();
  for (const n of ops) {
    const key = nodeKey(n.seg, n.at);
    const g = pending.get(key);
    if (g === undefined) continue;
    pending.delete(key);
    const flag = n.seg.flags[n.at]!;
    if ((flag & RELEASED) !== 0) throw secondBackward(n.seg, n.at);
    if (inputKeys?.has(key)) {
      results.set(key, g);
      continue;
    }
    if ((flag & RETAINS_GRAD) !== 0 && !inputKeys)
      n.seg.setGradient(n.at, n.seg.gradientOf(n.at) + kit.valueOf(g));
    if (!options.retainGraph && !inputKeys) n.seg.flags[n.at] = flag | RELEASED;
    for (const [parent, contribution] of contributions(n, g, kit)) {
      if (isAnomalyEnabled() && !Number.isFinite(kit.valueOf(contribution))) {
        const op = nodeOpName(n.seg, n.at);
        throw new TapegradError(
          op,
          `the backward of '${op}' produced NaN or Infinity in the gradient of its input (a '${nodeOpName(parent.seg, parent.at)}' node).`,
        );
      }
      add(parent, contribution);
    }
  }
  for (const n of leaves) {
    const key = nodeKey(n.seg, n.at);
    const g = pending.get(key);
    if (g === undefined) continue;
    if (inputKeys) {
      if (inputKeys.has(key)) results.set(key, g);
    } else n.seg.setGradient(n.at, n.seg.gradientOf(n.at) + kit.valueOf(g));
  }
  return options.inputs ? options.inputs.map((n) => results.get(nodeKey(n.seg, n.at)) ?? null) : [];
}

/** The gradient each parent of `n` receives from `g`, as Scalars. */
function contributions<S>(n: NodeRef, g: S, kit: ScalarKit<S>): [NodeRef, S][] {
  const { seg, at } = n;
  const code = seg.ops[at]!;
  const A = kit.algebra;
  const out: [NodeRef, S][] = [];
  if (code === CUSTOM) {
    const node = seg.customs!.get(at)!;
    const grads = node.recorded(g) as readonly (S | null)[];
    node.parents.forEach((p, i) => {
      const gi = grads[i];
      if (gi !== null && gi !== undefined && (p.seg.flags[p.at]! & REQUIRES_GRAD) !== 0) out.push([p, gi]);
    });
    return out;
  }
  const flag = seg.flags[at]!;
  const p0 = parentOf(seg, at, 0);
  if (code === INPUT) return [[p0!, g]];
  const self = kit.handle(seg, at);
  const times = (partial: Value<S>): S => (partial === 1 ? g : (A.mul(g, partial) as S));
  if (isUnaryCode(code)) {
    const x = kit.handle(p0!.seg, p0!.at);
    const [p, q] = unaryParams(seg, at);
    out.push([p0!, times(unaryRuleOf(code).grad(A, x, self, p, q))]);
    return out;
  }
  const p1 = parentOf(seg, at, 1);
  const a: Value<S> = p0 === null ? seg.d0[at]! : kit.handle(p0.seg, p0.at);
  const b: Value<S> = p1 === null ? seg.d1[at]! : kit.handle(p1.seg, p1.at);
  const rule = binaryRuleOf(code);
  if ((flag & P0_GRAD) !== 0) out.push([p0!, times(rule.grad(A, a, b, self, 0))]);
  if ((flag & P1_GRAD) !== 0) out.push([p1!, times(rule.grad(A, a, b, self, 1))]);
  return out;
}

/**
 * The op nodes (newest first) and leaves reachable from `roots` along edges that carry gradients,
 * not going past `stops`.
 */
function reachableNodes(roots: readonly NodeRef[], stops: ReadonlySet<number> | undefined) {
  const seen = new Set<number>();
  const ops: { key: number; node: NodeRef }[] = [];
  const leaves: NodeRef[] = [];
  const stack: NodeRef[] = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const key = nodeKey(n.seg, n.at);
    if (seen.has(key)) continue;
    seen.add(key);
    if (n.seg.holdsLeaves) {
      leaves.push(n);
      continue;
    }
    ops.push({ key, node: n });
    if (stops?.has(key)) continue;
    for (const p of gradientParents(n)) stack.push(p);
  }
  ops.sort((x, y) => y.key - x.key);
  return { ops: ops.map((o) => o.node), leaves };
}

/** The parents of a node that gradients flow to. */
function gradientParents(n: NodeRef): NodeRef[] {
  const { seg, at } = n;
  if (seg.ops[at] === CUSTOM) {
    return seg.customs!.get(at)!.parents.filter((p) => (p.seg.flags[p.at]! & REQUIRES_GRAD) !== 0);
  }
  const flag = seg.flags[at]!;
  const list: NodeRef[] = [];
  if ((flag & P0_GRAD) !== 0) list.push(parentOf(seg, at, 0)!);
  if ((flag & P1_GRAD) !== 0) list.push(parentOf(seg, at, 1)!);
  return list;
}
