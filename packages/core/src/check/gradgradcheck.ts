/** `gradgradcheck`: second derivatives through `createGraph` against differences of the first. */

import { gradientsOf } from '../differentiable.js';
import { TapegradError } from '../errors.js';
import { withGradMode } from '../grad-mode.js';
import { checkOptions } from '../options.js';
import { Generator } from '../random.js';
import { GRADCHECK_KEYS, type GradcheckOptions, runCheck } from './engine.js';
import { GradcheckError, withText } from './gradcheck.js';
import type { GradcheckReport } from './report.js';
import { checkOutput, cotangentFor, type Differentiable, inputName, sizeOfValue } from './values.js';

/**
 * Checks second derivatives: the gradient function x ↦ ∇(u·f)(x) — computed by autodiff with
 * `createGraph`, u a seeded random cotangent when `f` has several outputs (1 otherwise) — is
 * itself differentiated by autodiff and compared with central differences of the first
 * derivative, by the same engine as {@link gradcheck}. The report's outputs are named `d/d<input>`.
 *
 * @example
 * gradgradcheck((x) => x.pow(3).sum(), [x]).ok;
 */
export function gradgradcheck<T extends Differentiable[]>(
  f: (...inputs: T) => Differentiable,
  inputs: readonly [...T],
  options: GradcheckOptions = {},
): GradcheckReport {
  if (typeof f !== 'function') {
    throw new TapegradError(
      'gradgradcheck',
      `the first argument must be a function of the inputs, got ${typeof f}.`,
    );
  }
  const call = f as (...a: Differentiable[]) => Differentiable;
  let u: Float64Array | undefined;
  const firstDerivative = (xs: Differentiable[]) => {
    const y = checkOutput(
      'gradgradcheck',
      withGradMode(true, () => call(...xs)),
    );
    if (u === undefined) {
      const gen = new Generator(options.seed ?? 0);
      u = Float64Array.from({ length: sizeOfValue(y) }, () => (sizeOfValue(y) === 1 ? 1 : gen.normal()));
    }
    const grads = y.requiresGrad
      ? gradientsOf([y], [cotangentFor(y, u)], xs, { createGraph: true })
      : xs.map(() => null);
    // A gradient that does not reach an input is identically zero: a constant of its shape.
    const values = grads.map((g, k) => (g ?? zeroLike(xs[k]!)) as Differentiable);
    return { values, names: xs.map((x, k) => `d/d${inputName(x, k)}`) };
  };
  const result = runCheck('gradgradcheck', firstDerivative, inputs, options, true);
  return withText('gradgradcheck', result);
}

/** Runs {@link gradgradcheck} and throws a {@link GradcheckError} if it fails. */
export function assertGradgradcheck<T extends Differentiable[]>(
  f: (...inputs: T) => Differentiable,
  inputs: readonly [...T],
  options?: GradcheckOptions,
): GradcheckReport {
  const report = gradgradcheck(f, inputs, checkOptions('assertGradgradcheck', options, GRADCHECK_KEYS));
  if (!report.ok) throw new GradcheckError('assertGradgradcheck', report);
  return report;
}

const zeroLike = (x: Differentiable): Differentiable => cotangentFor(x, new Float64Array(sizeOfValue(x)));
