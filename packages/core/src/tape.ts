import { TapegradError } from './errors.js';
import { isAnomalyEnabled, withGradMode } from './grad-mode.js';
import type { OptionKeys } from './options.js';

/**
 * A node of the Tensor tape: a leaf (no `backwardFn`) or the result of an op, whose closure maps
 * the gradient `G` of the node to gradients of its parents (`null` where none flows).
 */
export interface TapeNode<G = unknown> {
  /** Creation order, strictly increasing: a topological order of the graph. */
  readonly seq: number;
  /** The op that produced this node (`'leaf'` for leaves). */
  readonly op: string;
  /** The inputs this node was computed from. */
  parents: readonly TapeNode<G>[];
  /** Maps this node's gradient to one gradient (or null) per parent; null for leaves and released nodes. */
  backwardFn: ((grad: G) => readonly (G | null)[]) | null;
  /** Whether gradients flow to (or through) this node. */
  requiresGrad: boolean;
  /** Keep this (non-leaf) node's gradient in `.grad`, as PyTorch's `retain_grad()`. */
  retainsGrad: boolean;
  /** Set once `backward()` has freed this node's closure. */
  released: boolean;
  /** Stack trace of the creating call, kept only under `detectAnomaly`. */
  createdAt: string | undefined;
}

/** What the engine does with gradients of type `G` for nodes of type `N`. */
export interface GradientOps<G, N extends TapeNode<G>> {
  /** Sums two contributions (differentiably when recording). */
  add(a: G, b: G): G;
  /** A copy, so two `.grad` fields never share one object (differentiable when recording). */
  copy(g: G): G;
  /** Accumulates a finished gradient into `node.grad` (leaves and retaining nodes). */
  store(node: N, g: G, createGraph: boolean): void;
  /** True when a gradient holds NaN or ±Infinity (anomaly detection). */
  isNonFinite(g: G): boolean;
  /** The node's gradient after its user hooks (`registerHook`), once all contributions are summed. */
  hooks?(node: N, g: G): G;
  /** Drops what else the node keeps of the graph once its closure is freed (a Tensor's composite record). */
  release?(node: N): void;
}

let seqCounter = 0;

/** The next creation sequence number. */
export const nextSeq = (): number => ++seqCounter;

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** The keys of {@link BackwardOptions}, for `checkOptions`. */
export const BACKWARD_KEYS: OptionKeys<BackwardOptions> = { retainGraph: true, createGraph: true };

const EMPTY: readonly never[] = [];

/**
 * Every node reachable from `roots` through `parents`, each once, in ascending creation order
 * (a topological order). The walk uses an explicit stack, so a chain of 10^6 ops cannot overflow
 * the call stack; it does not go past nodes for which `expand` returns false.
 */
export function reachable<N extends { readonly seq: number; readonly parents: readonly unknown[] }>(
  roots: readonly N[],
  expand: (node: N) => boolean = () => true,
): N[] {
  const nodes: N[] = [];
  const seen = new Set<N>();
  const stack: N[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    nodes.push(node);
    if (expand(node)) for (const parent of node.parents as N[]) if (!seen.has(parent)) stack.push(parent);
  }
  return nodes.sort((a, b) => a.seq - b.seq);
}

/**
 * Runs reverse mode from `roots` seeded with `rootGrads`.
 *
 * Nodes reachable from the roots are collected with an explicit stack (a chain of 10^6 ops must
 * not overflow the call stack) and visited in descending creation order, which is a reverse
 * topological order: by the time a node's closure runs, every contribution to its gradient has
 * been summed.
 *
 * With `inputs`, gradients are returned for those nodes instead of accumulated into `.grad`
 * (the functional path, like `torch.autograd.grad`): only closures on a path to an input run, and
 * nothing beyond the inputs is visited. Otherwise `stored`, when given, collects the nodes whose
 * `.grad` received a gradient.
 */
export function runBackward<G, N extends TapeNode<G>>(
  roots: readonly N[],
  rootGrads: readonly G[],
  ops: GradientOps<G, N>,
  options: BackwardOptions & { inputs?: readonly N[]; stored?: N[] } = {},
): (G | null)[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const inputs = options.inputs;
  const inputSet = inputs ? new Set<N>(inputs) : undefined;

  const nodes = reachable<N>(roots, (n) => n.requiresGrad && !inputSet?.has(n))
    .filter((n) => n.requiresGrad)
    .reverse();
  // With `inputs`, only the nodes lying on a path to an input matter: running (and releasing) the
  // others would waste work and free parts of graphs the caller still owns, e.g. parameters a
  // function closes over. Parents are created before children, so one ascending pass suffices.
  const order = inputSet ? onPathsTo(nodes, inputSet) : nodes;

  const pending = new Map<N, G>();
  const add = (node: N, g: G) => {
    const prev = pending.get(node);
    pending.set(node, prev === undefined ? g : withGradMode(createGraph, () => ops.add(prev, g)));
  };
  roots.forEach((root, i) => add(root, rootGrads[i]!));

  const results = new Map<N, G>();
  const store = storer(rootGrads, ops, createGraph, options.stored);
  for (const node of order) {
    const summed = pending.get(node);
    if (summed === undefined) continue;
    pending.delete(node);
    const g = ops.hooks ? withGradMode(createGraph, () => ops.hooks!(node, summed)) : summed;
    if (inputSet?.has(node)) {
      results.set(node, g);
      continue;
    }
    if (!inputSet && (node.backwardFn === null || node.retainsGrad) && !node.released) store(node, g);
    if (node.released) {
      throw new TapegradError(
        'backward',
        `tried to run backward through the graph a second time: the closure of '${node.op}' was freed by the first backward(). Pass { retainGraph: true } to the first backward() to keep the graph.`,
      );
    }
    const fn = node.backwardFn;
    if (fn === null) continue;
    propagate(
      node,
      withGradMode(createGraph, () => runClosure(node, fn, g)),
      ops,
      add,
    );
    if (!retainGraph) {
      node.parents = EMPTY;
      node.backwardFn = null;
      node.released = true;
      ops.release?.(node);
    }
  }
  return inputs ? inputs.map((n) => results.get(n) ?? null) : [];
}

/**
 * Stores finished gradients into `.grad`. A closure may hand one gradient object to several parents
 * (add returns [g, g]), and the caller's seed is theirs: each `.grad` gets an object of its own.
 */
function storer<G, N extends TapeNode<G>>(
  rootGrads: readonly G[],
  ops: GradientOps<G, N>,
  createGraph: boolean,
  stored: N[] | undefined,
): (node: N, g: G) => void {
  const storedValues = new Set<G>();
  return (node, g) => {
    const value =
      storedValues.has(g) || rootGrads.includes(g) ? withGradMode(createGraph, () => ops.copy(g)) : g;
    storedValues.add(value);
    withGradMode(createGraph, () => ops.store(node, value, createGraph));
    stored?.push(node);
  };
}

/** Hands each parent its gradient, checking for NaN/Inf under anomaly detection. */
function propagate<G, N extends TapeNode<G>>(
  node: N,
  parentGrads: readonly (G | null)[],
  ops: GradientOps<G, N>,
  add: (node: N, g: G) => void,
): void {
  const parents = node.parents as readonly N[];
  for (let i = 0; i < parents.length; i++) {
    const parent = parents[i]!;
    const pg = parentGrads[i];
    if (pg === null || pg === undefined || !parent.requiresGrad) continue;
    if (isAnomalyEnabled() && ops.isNonFinite(pg)) {
      const err = new TapegradError(
        node.op,
        `the backward of '${node.op}' produced NaN or Infinity in the gradient of its input ${i} (a '${parent.op}' node).` +
          (node.createdAt ? `\n'${node.op}' was created at:\n${node.createdAt}` : ''),
      );
      attributed.add(err);
      throw err;
    }
    add(parent, pg);
  }
}

/** Keeps the nodes (sorted by descending seq) from which some input can be reached. */
function onPathsTo<N extends { released: boolean; parents: readonly unknown[] }>(
  nodes: readonly N[],
  inputs: ReadonlySet<N>,
): N[] {
  const reaches = new Set<unknown>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    // A released node has lost its parents; keep it so the loop reports the second backward.
    if (inputs.has(node) || node.released || node.parents.some((p) => reaches.has(p))) reaches.add(node);
  }
  return nodes.filter((n) => reaches.has(n));
}

/** Errors already attributed to a backward closure, so nested closures do not re-wrap them. */
const attributed = new WeakSet<Error>();

/**
 * Runs a backward closure. Under anomaly detection an error raised inside it (typically an op of
 * the rule producing NaN/Inf, such as the division in the backward of `sqrt` at 0) is reported as
 * the failure of that closure, with where its op was created: the user never called the inner op.
 */
function runClosure<G>(
  node: { op: string; createdAt: string | undefined },
  fn: (grad: G) => readonly (G | null)[],
  g: G,
): readonly (G | null)[] {
  if (!isAnomalyEnabled()) return fn(g);
  try {
    return fn(g);
  } catch (e) {
    if (!(e instanceof TapegradError) || attributed.has(e)) throw e;
    const inner = e.message.split('\n')[0];
    const err = new TapegradError(
      node.op,
      `the backward of '${node.op}' failed: ${inner}` +
        (node.createdAt ? `\n'${node.op}' was created at:\n${node.createdAt}` : ''),
    );
    attributed.add(err);
    throw err;
  }
}
