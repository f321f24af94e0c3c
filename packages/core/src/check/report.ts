/** The result of `gradcheck`/`gradgradcheck` and its short text form. */
import { fmtErr, fmtNum, fmtTol, table } from './table.js';

/** One compared gradient element: analytic (autodiff) against numeric (finite differences). */
export interface GradcheckEntry {
  /** The input's label, or `input k`. */
  input: string;
  /** Position of the input in the `inputs` array (-1 for a check over all inputs at once). */
  inputIndex: number;
  /** Multi-index of the element within the input (`[]` for a Scalar or 0-d input). */
  index: number[];
  /** Which output element this Jacobian entry belongs to, when the output has several. */
  output?: string;
  analytic: number;
  numeric: number;
  absError: number;
  /** |analytic − numeric| relative to the larger magnitude of the two (floored at `atol`). */
  relError: number;
  ok: boolean;
}

/** A gradient that changed between two backward passes over the same graph. */
export interface NondeterministicEntry {
  input: string;
  inputIndex: number;
  index: number[];
  output?: string;
  first: number;
  second: number;
}

/** What gradcheck found. `toString()` prints it as a short table. */
export interface GradcheckReport {
  /** True when every compared element is within tolerance and no problem was found. */
  ok: boolean;
  maxAbsError: number;
  maxRelError: number;
  /** The worst entries, failing ones first (at most `maxWorst`). */
  worst: GradcheckEntry[];
  /** How many elements (or directions) were compared, and how many failed. */
  checked: number;
  failed: number;
  /** `'full-jacobian'` for small inputs, `'adjoint'` for a random-cotangent (and direction) check. */
  mode: 'full-jacobian' | 'adjoint';
  eps: number;
  atol: number;
  rtol: number;
  /** Gradients that differed between two backward passes (call-order dependence, hidden state). */
  nondeterministic: NondeterministicEntry[];
  /** Wrong gradient shapes or dtypes, non-finite values, missing gradients. */
  problems: string[];
  /** Remarks that do not fail the check (float32 promotion, sampling). */
  notes: string[];
  /** The report as a short table (at most about 15 lines). */
  toString(): string;
}

/** Formats a report in at most about 15 lines, whatever the input size. */
export function formatReport(title: string, r: Omit<GradcheckReport, 'toString'>): string {
  const what =
    r.mode === 'full-jacobian'
      ? `Jacobian ${r.checked === 1 ? 'entry' : 'entries'}`
      : `check${r.checked === 1 ? '' : 's'}`;
  const head = r.ok
    ? `${title} passed: ${r.checked} ${what} agree`
    : `${title} FAILED: ${r.failed} of ${r.checked} ${what} disagree` +
      (r.problems.length > 0 ? `, ${r.problems.length} problem(s)` : '');
  const lines = [
    `${head} (${r.mode === 'full-jacobian' ? 'full Jacobian' : 'adjoint check'}, eps ${fmtTol(r.eps)}, atol ${fmtTol(r.atol)}, rtol ${fmtTol(r.rtol)})`,
    `  max abs error ${fmtErr(r.maxAbsError)}, max rel error ${fmtErr(r.maxRelError)}`,
  ];
  for (const p of r.problems.slice(0, 3)) lines.push(`  problem: ${p}`);
  if (r.problems.length > 3) lines.push(`  … and ${r.problems.length - 3} more problems`);
  for (const n of r.notes.slice(0, 2)) lines.push(`  note: ${n}`);
  if (r.worst.length > 0) {
    const withOutput = r.worst.some((e) => e.output !== undefined);
    const header = [
      'input',
      'element',
      ...(withOutput ? ['output'] : []),
      'analytic',
      'numeric',
      'abs err',
      '',
    ];
    const rows = r.worst.map((e) => [
      e.input,
      e.index.length === 0 ? '-' : `[${e.index.join(',')}]`,
      ...(withOutput ? [e.output ?? '-'] : []),
      fmtNum(e.analytic, 8),
      fmtNum(e.numeric, 8),
      fmtErr(e.absError),
      e.ok ? '' : '✗',
    ]);
    lines.push(r.ok ? '  largest errors:' : '  worst entries:', ...table(header, rows, '    '));
  }
  return lines.join('\n');
}
