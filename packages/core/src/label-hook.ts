/**
 * A hook told of every label given to a value, as it is given. The verification tools install it
 * while they run a user's function: to find labelled intermediates as they are created, and to
 * nudge one of them for a finite difference before anything has used it. Nothing is installed
 * otherwise, so labelling costs one check.
 */

/** Called with the value (a Scalar or a Tensor) and its new label. */
export type LabelHook = (node: unknown, label: string) => void;

let current: LabelHook | null = null;

/** @internal Called by the `label` setters of Scalar and Tensor. */
export function labelGiven(node: unknown, label: string): void {
  if (current !== null) current(node, label);
}

/** @internal Runs `fn` with `hook` told of every label given meanwhile (hooks nest). */
export function withLabelHook<R>(hook: LabelHook, fn: () => R): R {
  const previous = current;
  current = hook;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
