/** The vocabulary of diagnoses: the mistakes, a case under test, numbers in sentences. */

import type { PointResult } from './hand-point.js';
import type { Prepared } from './hand-prepare.js';
import { fmtNum } from './table.js';

/** The mistakes `checkHandDerived` recognises. */
export type HandMistake =
  | 'rounding'
  | 'sign'
  | 'constant-factor'
  | 'transpose'
  | 'missing-path'
  | 'doubled-path'
  | 'wrong-value'
  | 'none';

/** What explains a wrong hand gradient, in words with the numbers. */
export interface HandDiagnosis {
  /** The target whose hand gradient is wrong. */
  target: string;
  mistake: HandMistake;
  message: string;
}

/** What every test of a mistake needs: the setup, the points, the target. */
export interface DiagnosisCase {
  setup: Prepared;
  results: readonly PointResult[];
  /** Index of the target. */
  j: number;
  /** Whether `alt(r)` matches the hand gradient at every point of `points` (all by default). */
  fits(alt: (r: PointResult) => Float64Array | undefined, points?: readonly PointResult[]): boolean;
  /** Whether `alt(r)` (a corrected hand gradient) matches autodiff at every point of `points`. */
  fixes(alt: (r: PointResult) => Float64Array | undefined, points?: readonly PointResult[]): boolean;
}

/** A number in a sentence: four significant digits, a real minus sign. */
export const say = (v: number, digits = 4): string => fmtNum(v, digits).replace(/^-/, '−');

/** A flat value in a sentence: a number, or its first elements. */
export const sayAll = (a: Float64Array): string =>
  a.length === 1
    ? say(a[0]!)
    : `[${Array.from(a.slice(0, 4), (v) => say(v, 3)).join(', ')}${a.length > 4 ? ', …' : ''}]`;
