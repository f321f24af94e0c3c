/** `gradcheck` and `assertGradcheck`: autodiff gradients against float64 central differences. */
import { TapegradError } from '../errors.js';
import { checkOptions } from '../options.js';
import { GRADCHECK_KEYS, type GradcheckOptions, runCheck } from './engine.js';
import { formatReport, type GradcheckReport } from './report.js';
import type { Differentiable } from './values.js';

export type { GradcheckOptions } from './engine.js';
export type { GradcheckEntry, GradcheckReport, NondeterministicEntry } from './report.js';

/**
 * Compares the gradients autodiff gives for `f` at `inputs` with float64 central differences.
 *
 * `f` receives fresh copies of `inputs` (the caller's values and `.grad` are never touched) and
 * returns a Scalar or a Tensor of any shape. Small problems (up to `fullJacobianLimit` input and
 * output elements) compare the whole Jacobian, one backward pass per output element; larger ones
 * compare Jᵀu for a seeded random cotangent u, element by element or, beyond the limit, on a
 * sample of elements plus random directions. Backward runs twice over the same graph to catch
 * rules that depend on call order; gradient shapes and dtypes are checked. float32 inputs are
 * differentiated in float32 but finite differences run on float64 copies, with looser defaults.
 *
 * @example
 * const report = gradcheck((a) => a.sin().prod(), [x]);
 * report.ok; console.log(report.toString());
 */
export function gradcheck<T extends Differentiable[]>(
  f: (...inputs: T) => Differentiable,
  inputs: readonly [...T],
  options: GradcheckOptions = {},
): GradcheckReport {
  if (typeof f !== 'function') {
    throw new TapegradError(
      'gradcheck',
      `the first argument must be a function of the inputs, got ${typeof f}.`,
    );
  }
  const result = runCheck(
    'gradcheck',
    (xs) => ({ values: [(f as (...a: Differentiable[]) => Differentiable)(...xs)] }),
    inputs,
    options,
    false,
  );
  return withText('gradcheck', result);
}

/** A failed gradient check; `report` holds the details and `message` its table. */
export class GradcheckError extends TapegradError {
  /** The full report of the failed check. */
  readonly report: GradcheckReport;
  constructor(op: string, report: GradcheckReport) {
    super(op, `gradients do not match finite differences.\n${report.toString()}`);
    this.name = 'GradcheckError';
    this.report = report;
  }
}

/** Runs {@link gradcheck} and throws a {@link GradcheckError} (a `TapegradError`) if it fails. */
export function assertGradcheck<T extends Differentiable[]>(
  f: (...inputs: T) => Differentiable,
  inputs: readonly [...T],
  options?: GradcheckOptions,
): GradcheckReport {
  const report = gradcheck(f, inputs, checkOptions('assertGradcheck', options, GRADCHECK_KEYS));
  if (!report.ok) throw new GradcheckError('assertGradcheck', report);
  return report;
}

/** @internal Attaches `toString()`. */
export function withText(title: string, r: Omit<GradcheckReport, 'toString'>): GradcheckReport {
  return { ...r, toString: () => formatReport(title, r) };
}
