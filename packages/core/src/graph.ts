/**
 * The one walk over a recorded graph, for Scalar and Tensor graphs alike: transforms use it to see
 * what an output depends on, the inspection tools to list and draw the graph.
 */
import type { Differentiable } from './differentiable.js';

/**
 * Every node reachable from `roots` through its inputs, each once, in creation order (leaves
 * first for Scalar graphs). An explicit stack, so a chain of 10^6 ops cannot overflow the call
 * stack; the walk does not go past nodes for which `expand` returns false.
 */
export function walkGraph<T extends Differentiable>(
  roots: readonly T[],
  expand: (node: T) => boolean = () => true,
): T[] {
  const seen = new Map<number, T>();
  const stack: T[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node.seq)) continue;
    seen.set(node.seq, node);
    if (!expand(node)) continue;
    for (const parent of node.parents as T[]) if (!seen.has(parent.seq)) stack.push(parent);
  }
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}
