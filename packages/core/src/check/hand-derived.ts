/** `checkHandDerived`: gradients worked out on paper against autodiff and finite differences. */
import { TapegradError } from '../errors.js';
import type { ReportFormat } from '../inspect/markup.js';
import { requireFormat } from '../inspect/markup.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { Generator } from '../random.js';
import { diagnoseAll } from './diagnose.js';
import type { HandDiagnosis } from './diagnosis.js';
import { evaluatePoint, type PointResult } from './hand-point.js';
import {
  type HandGradient,
  type HandResult,
  type HandValues,
  type Prepared,
  prepareHand,
} from './hand-prepare.js';
import { formatHandReport, pointText } from './hand-report.js';
import type { Point } from './hand-run.js';
import { checkInputs, type Differentiable, flatValues, fmtIndex, multiIndex } from './values.js';

export type { HandDiagnosis, HandMistake } from './diagnosis.js';
export type { HandGradient, HandResult, HandValues } from './hand-prepare.js';

/**
 * The hand gradients: one per input (a number for a Scalar; an array, typed array or Tensor of the
 * input's shape for a Tensor), a record by label (inputs and values labelled inside `f`), or a
 * function of the values at a point returning either.
 */
export type HandGradients<T extends readonly Differentiable[]> =
  | readonly HandGradient[]
  | Readonly<Record<string, HandGradient>>
  | ((values: HandValues<T>) => HandResult);

/** Options of {@link checkHandDerived}. */
export interface HandDerivedOptions {
  /** Absolute tolerance of hand against autodiff and numeric (default 1e-6). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Random points around the given one where a hand function is also checked (default 50). */
  points?: number;
  /** Seed of the random points (default 0): the same seed gives the same points. */
  seed?: number;
  /** Each input element moves by up to `radius · max(|x|, 1)` (default 0.5). */
  radius?: number;
  /** Elements per target differenced at each random point (default 8; all at the given point). */
  sampleElements?: number;
  /** Format of `toString()`: `'text'` (default), `'markdown'` or `'latex'`. */
  format?: ReportFormat;
}

const HAND_DERIVED_KEYS: OptionKeys<HandDerivedOptions> = {
  atol: true,
  rtol: true,
  eps: true,
  points: true,
  seed: true,
  radius: true,
  sampleElements: true,
  format: true,
};

/** One gradient element at the given point: what the paper says, autodiff, finite differences. */
export interface HandDerivedRow {
  /** The target's label (an input's, or an intermediate's), or `input k`. */
  input: string;
  /** Position of the input, or -1 for a labelled intermediate. */
  inputIndex: number;
  /** Multi-index of the element (`[]` for a single value). */
  index: number[];
  hand: number;
  autodiff: number;
  numeric: number;
  /** The hand value agrees with both autodiff and finite differences. */
  ok: boolean;
}

/** The largest disagreement over all points, and where it happens. */
export interface HandWorst {
  target: string;
  index: number[];
  /** 0 for the given point, k for the k-th random point. */
  point: number;
  /** The inputs at that point, in words (`w5 = 0.31, w1 = 0.07`). */
  at: string;
  hand: number;
  /** The autodiff or finite-difference value there. */
  value: number;
  error: number;
}

/** The comparison: the table at the given point, the worst cases over all points, diagnoses. */
export interface HandDerivedReport {
  ok: boolean;
  rows: HandDerivedRow[];
  atol: number;
  rtol: number;
  /** Remarks, e.g. autodiff itself disagreeing with finite differences. */
  notes: string[];
  /** Points checked: the given one and the random ones where the function was finite. */
  points: number;
  /** Random points skipped because the function or its gradient was not finite there. */
  skippedPoints: number;
  /** Points where some hand gradient disagreed. */
  failedPoints: number;
  /** The target elements that disagree at some point. */
  wrong: { target: string; index: number[] }[];
  worstAutodiff: HandWorst | null;
  worstNumeric: HandWorst | null;
  /** For each wrong target: the usual mistake that explains it, or that none does. */
  diagnoses: HandDiagnosis[];
  /** The report (text by default, or the `format` option's; pass a format to override). */
  toString(format?: ReportFormat): string;
}

/**
 * Checks gradients derived by hand against autodiff and float64 central differences. `f` returns
 * a single-element Scalar or Tensor (a loss) and receives fresh copies of `inputs`.
 *
 * `hand` may be a number (or array/Tensor) per input, a record by label, or a function of the
 * values at a point — the inputs and every value labelled inside `f`, as numbers on Scalar graphs
 * and float64 Tensors on Tensor graphs — returning either. A function is checked at the given
 * point and at `points` seeded random points around it; the report gives the worst disagreement
 * and where. A record key (or function result key) may name a labelled intermediate
 * (`{ l_o1: … }`, a layer's δ as `{ net_h: … }`): autodiff goes through that node, and finite
 * differences nudge the value as it receives its label, so label it where it is created, before
 * it is used (the check says so otherwise). A wrong hand gradient is diagnosed: a constant
 * factor, a flipped sign, a missing or doubled path, a derivative taken at the wrong value, a
 * transposed matrix, or printed digits that were rounded.
 *
 * @example
 * checkHandDerived((w5, w1) => net(w5, w1), [w5, w1],
 *   ({ out_o1, out_h1, t1 }) => ({ w5: -(t1 - out_o1) * out_o1 * (1 - out_o1) * out_h1 }));
 */
export function checkHandDerived<T extends Differentiable[]>(
  f: (...inputs: T) => Differentiable,
  inputs: readonly [...T],
  hand: HandGradients<T>,
  options?: HandDerivedOptions,
): HandDerivedReport {
  options = checkOptions('checkHandDerived', options, HAND_DERIVED_KEYS);
  if (typeof f !== 'function') {
    throw new TapegradError(
      'checkHandDerived',
      `the first argument must be a function of the inputs, got ${typeof f}.`,
    );
  }
  checkInputs('checkHandDerived', inputs);
  const format = requireFormat('checkHandDerived', options.format);
  const setup = prepareHand(f as (...a: Differentiable[]) => Differentiable, inputs, hand, options);
  const results = evaluatePoints(setup);
  const { rows, notes } = rowsAtGivenPoint(setup, results[0]!);
  const worst = worstCases(setup, results);
  const failed = results.filter((r) => !r.ok);
  const diagnoses = failed.length > 0 ? diagnoseAll(setup, results) : [];
  if (setup.fixedHand && options.points !== undefined)
    notes.push('points apply to a hand function; fixed numbers are checked at the given point only.');
  const report: Omit<HandDerivedReport, 'toString'> = {
    ok: failed.length === 0,
    rows,
    atol: setup.atol,
    rtol: setup.rtol,
    notes,
    points: results.length,
    skippedPoints: setup.randomPoints - (results.length - 1),
    failedPoints: failed.length,
    wrong: wrongElements(setup, results),
    ...worst,
    diagnoses,
  };
  return { ...report, toString: (fmt?: ReportFormat) => formatHandReport(report, setup, fmt ?? format) };
}

/** The given point and the random points around it (a hand function only), evaluated. */
function evaluatePoints(setup: Prepared): PointResult[] {
  const base: Point = setup.inputs.map(flatValues);
  const results = [evaluatePoint(setup, 0, base)!];
  const rng = new Generator(setup.seed);
  for (let k = 1; k <= setup.randomPoints; k++) {
    const point = base.map((xs) =>
      xs.map((v) => v + setup.radius * Math.max(Math.abs(v), 1) * (2 * rng.random() - 1)),
    );
    const r = evaluatePoint(setup, k, point, rng);
    if (r) results.push(r);
  }
  return results;
}

function rowsAtGivenPoint(setup: Prepared, r: PointResult): { rows: HandDerivedRow[]; notes: string[] } {
  const rows: HandDerivedRow[] = [];
  const notes: string[] = [];
  setup.targets.forEach((t, j) => {
    const shape = [...r.nodes[j]!.shape];
    r.autodiff[j]!.forEach((autodiff, i) => {
      const numeric = r.numeric[j]![i]!;
      const hand = r.hand[j]![i]!;
      if (!setup.closeNumeric(autodiff, numeric) && notes.length < 3) {
        notes.push(
          `autodiff (${fmt(autodiff)}) and finite differences (${fmt(numeric)}) disagree for '${t.name}' ${fmtIndex(multiIndex(shape, i))}: check the function with gradcheck.`,
        );
      }
      const ok = setup.close(hand, autodiff) && setup.closeNumeric(hand, numeric);
      rows.push({
        input: t.name,
        inputIndex: t.inputIndex,
        index: multiIndex(shape, i),
        hand,
        autodiff,
        numeric,
        ok,
      });
    });
  });
  return { rows, notes };
}

/** Target elements that disagree with autodiff or the differences at some point. */
function wrongElements(
  setup: Prepared,
  results: readonly PointResult[],
): { target: string; index: number[] }[] {
  const wrong: { target: string; index: number[] }[] = [];
  setup.targets.forEach((t, j) => {
    const shape = [...results[0]!.nodes[j]!.shape];
    results[0]!.hand[j]!.forEach((_, i) => {
      const bad = results.some((r) => {
        const [h, a, n] = [r.hand[j]![i]!, r.autodiff[j]![i]!, r.numeric[j]![i]!];
        return (
          !setup.close(h, a) ||
          (!Number.isNaN(n) && !setup.closeNumeric(h, n)) ||
          (r.index === 0 && Number.isNaN(n))
        );
      });
      if (bad) wrong.push({ target: t.name, index: multiIndex(shape, i) });
    });
  });
  return wrong;
}

const fmt = (v: number) => String(Number(v.toPrecision(10)));

/** The largest |hand − autodiff| and |hand − numeric| over every point, target and element. */
function worstCases(setup: Prepared, results: readonly PointResult[]) {
  let worstAutodiff: HandWorst | null = null;
  let worstNumeric: HandWorst | null = null;
  for (const r of results) {
    setup.targets.forEach((t, j) => {
      const shape = [...r.nodes[j]!.shape];
      r.hand[j]!.forEach((hand, i) => {
        const make = (value: number): HandWorst => ({
          target: t.name,
          index: multiIndex(shape, i),
          point: r.index,
          at: pointText(setup, r.point),
          hand,
          value,
          error: Math.abs(hand - value),
        });
        const a = r.autodiff[j]![i]!;
        const n = r.numeric[j]![i]!;
        if (!(Math.abs(hand - a) <= (worstAutodiff?.error ?? -1))) worstAutodiff = make(a);
        if (!Number.isNaN(n) && !(Math.abs(hand - n) <= (worstNumeric?.error ?? -1))) worstNumeric = make(n);
      });
    });
  }
  return { worstAutodiff, worstNumeric } as {
    worstAutodiff: HandWorst | null;
    worstNumeric: HandWorst | null;
  };
}
