/**
 * Why a hand gradient disagrees with autodiff: the usual mistakes, each tested by computing what
 * the gradient would be had it been made, at every point checked, and named when it matches —
 * printed digits rounded, the sign flipped, a constant factor (a forgotten ½, mean vs sum), a
 * transposed matrix, a path left out or counted twice, a derivative taken at the wrong value.
 */
import { Tensor } from '../tensor.js';
import { doubledOrMissingPath, wrongValue } from './diagnose-graph.js';
import { type DiagnosisCase, type HandDiagnosis, type HandMistake, say, sayAll } from './diagnosis.js';
import type { PointResult } from './hand-point.js';
import type { Prepared } from './hand-prepare.js';
import { fmtErr } from './table.js';

export type { HandDiagnosis, HandMistake };

type Test = (c: DiagnosisCase) => { mistake: HandMistake; message: string } | undefined;

/** In order: the cheap and certain tests first, the graph re-evaluations last. */
const TESTS: Test[] = [
  rounding,
  sign,
  constantFactor,
  transposedResult,
  doubledOrMissingPath,
  wrongValue,
  transposedValue,
];

/** A diagnosis for every target whose hand gradient disagrees somewhere. */
export function diagnoseAll(setup: Prepared, results: readonly PointResult[]): HandDiagnosis[] {
  return setup.targets.flatMap((t, j) => {
    const wrong = results.some((r) => r.hand[j]!.some((h, i) => !setup.close(h, r.autodiff[j]![i]!)));
    if (!wrong) return [];
    const matches =
      (alt: (r: PointResult) => Float64Array | undefined, against: 'hand' | 'autodiff') =>
      (points: readonly PointResult[] = results) =>
        points.every((r) => {
          const a = alt(r);
          return a !== undefined && r[against][j]!.every((v, i) => setup.close(v, a[i]!));
        });
    const c: DiagnosisCase = {
      setup,
      results,
      j,
      fits: (alt, points) => matches(alt, 'hand')(points),
      fixes: (alt, points) => matches(alt, 'autodiff')(points),
    };
    for (const test of TESTS) {
      const found = test(c);
      if (found) return [{ target: t.name, ...found }];
    }
    return [{ target: t.name, mistake: 'none' as const, message: NONE }];
  });
}

const NONE =
  'none of the usual mistakes explains it (checked: rounded digits, the sign, a constant factor, a transposed matrix, a missing or doubled path, a derivative taken at the wrong value).';

/** Digits after the decimal point of a number as written (`-0.018375021` → 9). */
function decimals(v: number): number | undefined {
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(v));
  return m ? (m[1]?.length ?? 0) - Number(m[2] ?? 0) : undefined;
}

/** Significant digits of a number as written (`-0.018375021` → 8). */
const significant = (v: number): number =>
  String(Math.abs(v)).split('e')[0]!.replace('.', '').replace(/^0+/, '').length;

/**
 * Fixed numbers that equal autodiff to every digit printed: rounded (or cut off), not wrong. Only
 * numbers with three or more significant digits: fewer cannot tell rounding from a wrong value.
 */
function rounding(c: DiagnosisCase) {
  if (!c.setup.fixedHand) return undefined;
  const r = c.results[0]!;
  const hand = r.hand[c.j]!;
  const auto = r.autodiff[c.j]!;
  let worst = -1;
  for (let i = 0; i < hand.length; i++) {
    const d = decimals(hand[i]!);
    const close = d !== undefined && Math.abs(hand[i]! - auto[i]!) < 10 ** -d;
    if (!close || (hand[i] !== auto[i] && significant(hand[i]!) < 3)) return undefined;
    if (worst < 0 || Math.abs(hand[i]! - auto[i]!) > Math.abs(hand[worst]! - auto[worst]!)) worst = i;
  }
  const h = hand[worst]!;
  const a = auto[worst]!;
  const d = decimals(h)!;
  const scale = 10 ** d;
  const same = (x: number) => Math.abs(x - h) <= 1e-9 / scale;
  const how = same(Math.round(a * scale) / scale)
    ? 'rounded'
    : same(Math.trunc(a * scale) / scale)
      ? `cut off, not rounded (rounded it is ${say(Math.round(a * scale) / scale, 12)})`
      : 'off by less than one unit of the last digit';
  const which =
    hand.length === 1 ? `your ${say(h, 12)}` : `every value; the largest difference is at ${say(h, 12)}`;
  return {
    mistake: 'rounding' as const,
    message: `${which} is autodiff's ${say(a, 10)} to the ${d} decimals printed, ${how}; the difference ${fmtErr(Math.abs(h - a))} is below the last printed digit. Not a mistake in the derivation: compare with atol ${fmtErr(10 ** -d)} to accept printed digits.`,
  };
}

function sign(c: DiagnosisCase) {
  const any = c.results.some((r) => r.autodiff[c.j]!.some((a) => a !== 0));
  if (!any || !c.fits((r) => r.autodiff[c.j]!.map((a) => -a))) return undefined;
  const r = c.results[0]!;
  return {
    mistake: 'sign' as const,
    message: `the sign is flipped: your ${sayAll(r.hand[c.j]!)} is −1 × autodiff's ${sayAll(r.autodiff[c.j]!)}${c.results.length > 1 ? ` at all ${c.results.length} points` : ''} (t − o written for o − t, or a minus lost in the chain).`,
  };
}

/** The ratio hand/autodiff, if it is one number wherever autodiff is not 0. */
function commonRatio(c: DiagnosisCase): number | undefined {
  for (const r of c.results) {
    const auto = r.autodiff[c.j]!;
    const i = auto.findIndex((a) => Math.abs(a) > 1e-12);
    if (i >= 0) return r.hand[c.j]![i]! / auto[i]!;
  }
  return undefined;
}

/** A factor a person's slip produces (2, ½, N, 1/N), or undefined. */
function namedFactor(k: number): string | undefined {
  const near = (x: number) => Math.abs(k - x) <= 1e-9 * Math.abs(x);
  const n = Math.round(k);
  const inv = Math.round(1 / k);
  if (near(2)) return 'a forgotten ½: ½(t − o)² differentiates to −(t − o), without the ½ to −2(t − o)';
  if (near(0.5)) return 'a ½ too many: the derivative of x² is 2x, of ½x² is x';
  if (n >= 3 && n <= 1e6 && near(n))
    return `a sum over ${n} where the function takes a mean (or a missing 1/${n}): mean vs sum`;
  if (inv >= 3 && inv <= 1e6 && near(1 / inv))
    return `a mean over ${inv} where the function sums (an extra 1/${inv}): mean vs sum`;
  return undefined;
}

function constantFactor(c: DiagnosisCase) {
  const k = commonRatio(c);
  if (k === undefined || !Number.isFinite(k) || k === 0 || Math.abs(k - 1) < 1e-9) return undefined;
  const named = namedFactor(Math.abs(k));
  // One point cannot tell an arbitrary constant from a coincidence; a named slip can be told.
  if (!named && c.results.length < 3) return undefined;
  if (!c.fits((r) => r.autodiff[c.j]!.map((a) => k * a))) return undefined;
  const r = c.results[0]!;
  const flipped = k < 0 ? ', and the sign is flipped' : '';
  const points = c.results.length > 1 ? ` at all ${c.results.length} points` : '';
  return {
    mistake: 'constant-factor' as const,
    message: `off by a constant factor ${say(k)}${points}: your ${sayAll(r.hand[c.j]!)} is ${say(k)} × autodiff's ${sayAll(r.autodiff[c.j]!)} — ${named ?? 'some constant is wrong'}${flipped}.`,
  };
}

/** A square matrix gradient given with rows and columns swapped. */
function transposedResult(c: DiagnosisCase) {
  const node = c.results[0]!.nodes[c.j]!;
  if (!(node instanceof Tensor) || node.shape.length !== 2 || node.shape[0] !== node.shape[1])
    return undefined;
  if (!c.fits((r) => transpose(r.autodiff[c.j]!, node.shape[0]!))) return undefined;
  return {
    mistake: 'transpose' as const,
    message: `your matrix is the transpose of autodiff's: rows and columns are swapped (the gradient has the layout of '${c.setup.targets[c.j]!.name}', ${node.shape[0]}×${node.shape[1]} as [out, in]).`,
  };
}

/** The transpose of a flat n×n matrix. */
export function transpose(a: Float64Array, n: number): Float64Array {
  return Float64Array.from(a, (_, i) => a[(i % n) * n + Math.floor(i / n)]!);
}

/** A hand function that uses a square matrix where its transpose belongs (W δ for Wᵀ δ). */
function transposedValue(c: DiagnosisCase) {
  if (c.setup.fixedHand) return undefined;
  const points = c.results.filter((r) => r.run !== undefined);
  for (const [key, v] of Object.entries(points[0]!.values)) {
    if (!(v instanceof Tensor) || v.shape.length !== 2 || v.shape[0] !== v.shape[1] || v.shape[0]! < 2)
      continue;
    const alt = (r: PointResult) =>
      c.setup.rehand({ ...r.values, [key]: (r.values[key] as Tensor).transpose() }, r.nodes)?.[c.j];
    if (c.fixes(alt, points)) {
      return {
        mistake: 'transpose' as const,
        message: `with '${key}' transposed your formula agrees with autodiff at every point checked: it uses ${key} where ${key}ᵀ belongs (or ${key}ᵀ where ${key} does).`,
      };
    }
  }
  return undefined;
}
