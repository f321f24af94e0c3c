import { TapegradError } from './errors.js';
import { isAnomalyEnabled, withGradMode } from './grad-mode.js';

/** Maps the gradient of a node to the gradients of its parents (`null` where none flows). */
export type BackwardFn = (grad: never) => readonly (unknown | null)[];

/**
 * A value on the tape: a leaf (no `backwardFn`) or the result of an op. Scalar and Tensor both
 * implement it, so one engine runs backward for both.
 */
export interface TapeNode {
  /** Creation order, strictly increasing: a topological order of the graph. */
  readonly seq: number;
  /** The op that produced this node (`'leaf'` for leaves). */
  readonly op: string;
  parents: readonly TapeNode[];
  backwardFn: BackwardFn | null;
  requiresGrad: boolean;
  /** Keep this (non-leaf) node's gradient in `.grad`, as PyTorch's `retain_grad()`. */
  retainsGrad: boolean;
  /** Set once `backward()` has freed this node's closure. */
  released: boolean;
  /** Stack trace of the creating call, kept only under `detectAnomaly`. */
  createdAt: string | undefined;
  /** Sums two gradient contributions (differentiably when recording). */
  addGrad(a: unknown, b: unknown): unknown;
  /** A copy of a gradient, so two `.grad` fields never share one object (differentiable when recording). */
  cloneGrad(g: unknown): unknown;
  /** Accumulates a finished gradient into `.grad` (leaves and retained nodes). */
  storeGrad(g: unknown, createGraph: boolean): void;
  /** True when a gradient holds NaN or ±Infinity (anomaly detection). */
  isNonFinite(g: unknown): boolean;
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

const EMPTY: readonly TapeNode[] = [];

/** Where an op was created, for error messages under anomaly detection. */
export const creationSite = (): string | undefined => {
  if (!isAnomalyEnabled()) return undefined;
  const stack = new Error().stack?.split('\n') ?? [];
  // Drop the frames inside tapegrad itself so the user's call comes first.
  const user = stack.slice(1).filter((line) => !/[/\\](core[/\\](src|dist))[/\\]/.test(line));
  return (user.length > 0 ? user : stack.slice(1)).slice(0, 4).join('\n');
};

/**
 * Every node reachable from `roots` through `parents`, each once, in ascending creation order
 * (a topological order). The walk uses an explicit stack, so a chain of 10^6 ops cannot overflow
 * the call stack; it does not go past nodes for which `expand` returns false.
 */
export function reachable(
  roots: readonly TapeNode[],
  expand: (node: TapeNode) => boolean = () => true,
): TapeNode[] {
  const nodes: TapeNode[] = [];
  const seen = new Set<TapeNode>();
  const stack: TapeNode[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    nodes.push(node);
    if (expand(node)) for (const parent of node.parents) if (!seen.has(parent)) stack.push(parent);
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
export function runBackward(
  roots: readonly TapeNode[],
  rootGrads: readonly unknown[],
  options: BackwardOptions & { inputs?: readonly TapeNode[]; stored?: TapeNode[] } = {},
): (unknown | null)[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const inputs = options.inputs;
  const inputSet = inputs ? new Set(inputs) : undefined;

  const nodes = reachable(roots, (n) => n.requiresGrad && !inputSet?.has(n))
    .filter((n) => n.requiresGrad)
    .reverse();
  // With `inputs`, only the nodes lying on a path to an input matter: running (and releasing) the
  // others would waste work and free parts of graphs the caller still owns, e.g. parameters a
  // function closes over. Parents are created before children, so one ascending pass suffices.
  const order = inputSet ? onPathsTo(nodes, inputSet) : nodes;

  const pending = new Map<TapeNode, unknown>();
  const add = (node: TapeNode, g: unknown) => {
    const prev = pending.get(node);
    pending.set(node, prev === undefined ? g : withGradMode(createGraph, () => node.addGrad(prev, g)));
  };
  roots.forEach((root, i) => add(root, rootGrads[i]));

  const results = new Map<TapeNode, unknown>();
  const storedValues = new Set<unknown>();
  for (const node of order) {
    const g = pending.get(node);
    if (g === undefined) continue;
    pending.delete(node);
    if (inputSet) {
      if (inputSet.has(node)) {
        results.set(node, g);
        continue;
      }
    } else if (node.backwardFn === null || node.retainsGrad) {
      if (!node.released) {
        // A closure may hand one gradient object to several parents (add returns [g, g]), and the
        // caller's seed is theirs: each `.grad` gets an object of its own.
        const value =
          storedValues.has(g) || rootGrads.includes(g)
            ? withGradMode(createGraph, () => node.cloneGrad(g))
            : g;
        storedValues.add(value);
        withGradMode(createGraph, () => node.storeGrad(value, createGraph));
        options.stored?.push(node);
      }
    }
    if (node.released) {
      throw new TapegradError(
        'backward',
        `tried to run backward through the graph a second time: the closure of '${node.op}' was freed by the first backward(). Pass { retainGraph: true } to the first backward() to keep the graph.`,
      );
    }
    const fn = node.backwardFn as ((grad: unknown) => readonly (unknown | null)[]) | null;
    if (fn === null) continue;
    const parentGrads = withGradMode(createGraph, () => runClosure(node, fn, g));
    const parents = node.parents;
    for (let i = 0; i < parents.length; i++) {
      const parent = parents[i]!;
      const pg = parentGrads[i];
      if (pg === null || pg === undefined || !parent.requiresGrad) continue;
      if (isAnomalyEnabled() && node.isNonFinite(pg)) {
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
    if (!retainGraph) {
      node.parents = EMPTY;
      node.backwardFn = null;
      node.released = true;
    }
  }
  return inputs ? inputs.map((n) => results.get(n) ?? null) : [];
}

/** Keeps the nodes (sorted by descending seq) from which some input can be reached. */
function onPathsTo(nodes: readonly TapeNode[], inputs: ReadonlySet<TapeNode>): TapeNode[] {
  const reaches = new Set<TapeNode>();
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
function runClosure(
  node: TapeNode,
  fn: (grad: unknown) => readonly (unknown | null)[],
  g: unknown,
): readonly (unknown | null)[] {
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
