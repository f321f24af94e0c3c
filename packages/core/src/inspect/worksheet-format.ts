/** The written worksheet (`backpropWorksheet`): chains of equalities as text, Markdown tables or LaTeX. */
import { fmtErr } from '../check/table.js';
import type { Formula } from '../math/formula.js';
import { type Markup, markupOf, type ReportFormat } from './markup.js';
import type { BackpropWorksheet, WorksheetGradient, WorksheetTerm } from './worksheet.js';

type Sheet = Omit<BackpropWorksheet, 'toString'>;

/** One equation and its successive right-hand sides: `lhs = r1 = r2 = …`. */
interface Chain {
  lhs: string;
  steps: string[];
}

/** The worksheet in `format`. */
export function formatWorksheet(w: Sheet, format: ReportFormat, digits: number): string {
  const m = markupOf(format, digits);
  const out = w.output;
  const sections: [string, string[], Chain[]][] = [
    ['Given', ['value', 'number'], w.given.map((g) => ({ lhs: m.name(g.name), steps: [m.number(g.value)] }))],
    [
      'Forward pass, in creation order',
      ['value', 'equation', 'numbers', 'value'],
      w.forward.map((v) => ({
        lhs: m.name(v.name),
        steps: v.formula
          ? [m.formula(v.formula), m.formula(v.formula, true), m.number(v.value)]
          : [m.number(v.value)],
      })),
    ],
    [
      `Backward pass: ∂${out}/∂x from the values x feeds, in backward order`,
      ['gradient', 'chain rule', 'formula', 'numbers', 'value'],
      w.backward.map((g) => gradientChain(g, out, m)),
    ],
    [
      `One step of gradient descent, η = ${w.lr}: p ← p − η·∂${out}/∂p`,
      ['parameter', 'update', 'new value'],
      w.update.map((u) => ({
        lhs: `${m.name(u.name)}${m.format === 'latex' ? '^{+}' : '⁺'}`,
        steps: [
          `${m.number(u.value)}${minus(m)}${m.number(w.lr)} ${m.times} ${wrapNegative(u.gradient, m)}`,
          m.number(u.updated),
        ],
      })),
    ],
  ];
  const lines = [
    m.words(
      `Worked example for ${out}: the forward pass, the backward pass and one step of gradient descent`,
    ),
  ];
  for (const [title, header, chains] of sections)
    lines.push('', m.strong(m.words(title)), ...layout(chains, header, m));
  const agree =
    w.autodiffDifference === 0
      ? 'every parameter gradient above equals the backward pass exactly'
      : `every parameter gradient above equals the backward pass to ${fmtErr(w.autodiffDifference)}`;
  lines.push('', m.words(`(${agree})`));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

const minus = (m: Markup) => (m.format === 'latex' ? ' - ' : ' − ');

/** `(−0.03)` for a negative number after an operator; the number itself otherwise. */
const wrapNegative = (v: number, m: Markup) =>
  v < 0 ? (m.format === 'latex' ? `\\left(${m.number(v)}\\right)` : `(${m.number(v)})`) : m.number(v);

/** A local factor after `·`: parenthesized when it is a sum or starts with a minus sign. */
const factorText = (f: Formula, m: Markup) => {
  const text = m.formula(f);
  const negative = (f.kind === 'product' && f.coef < 0) || (f.kind === 'num' && f.value < 0);
  if (f.kind !== 'sum' && !negative) return text;
  return m.format === 'latex' ? `\\left(${text}\\right)` : `(${text})`;
};

/** ∂out/∂x = Σ ∂out/∂via · ∂via/∂x, then with the local formulas, then in numbers. */
function gradientChain(g: WorksheetGradient, out: string, m: Markup): Chain {
  const dot = m.format === 'latex' ? ' \\cdot ' : ' · ';
  const fromOutput = (t: WorksheetTerm) => t.via === out;
  const chain = g.terms.map((t) =>
    fromOutput(t)
      ? m.derivative(t.via, g.name)
      : `${m.derivative(out, t.via)}${dot}${m.derivative(t.via, g.name)}`,
  );
  const formulas = g.terms.map((t) => {
    if (fromOutput(t)) return m.formula(t.local);
    if (t.local.kind === 'num' && t.local.value === 1) return m.derivative(out, t.via);
    return `${m.derivative(out, t.via)}${dot}${factorText(t.local, m)}`;
  });
  const numbers = g.terms.map((t, k) => {
    const first = k === 0 ? m.number : (v: number) => wrapNegative(v, m);
    if (fromOutput(t)) return first(t.localValue);
    return t.localValue === 1
      ? first(t.upstream)
      : `${first(t.upstream)} ${m.times} ${wrapNegative(t.localValue, m)}`;
  });
  const steps = [chain.join(' + '), formulas.join(' + '), numbers.join(' + '), m.number(g.value)];
  // Drop steps that repeat the left side or the step before (∂E/∂E_o1 = 1 needs no chain).
  const lhs = m.derivative(out, g.name);
  const kept = steps.filter((s, i) => s !== lhs && s !== steps[i - 1]);
  return { lhs, steps: kept.length > 0 ? kept : [m.number(g.value)] };
}

function layout(chains: Chain[], header: string[], m: Markup): string[] {
  if (m.format === 'markdown') {
    const width = Math.max(...chains.map((c) => c.steps.length), 1);
    const rows = chains.map((c) => [
      c.lhs,
      ...c.steps.slice(0, -1),
      ...Array(width - c.steps.length).fill(''),
      c.steps.at(-1)!,
    ]);
    const head = width + 1 === header.length ? header : [header[0]!, ...Array(width - 1).fill(''), 'value'];
    return ['', ...m.table(head, rows)];
  }
  if (m.format === 'latex') {
    const rows = chains.flatMap((c) => c.steps.map((s, i) => `${i === 0 ? c.lhs : ''} &= ${s}`));
    return [
      '\\[',
      '\\begin{aligned}',
      ...rows.map((r, i) => (i < rows.length - 1 ? `${r} \\\\` : r)),
      '\\end{aligned}',
      '\\]',
    ];
  }
  // Text: one line when it fits, else one step per line under the first `=`.
  return chains.flatMap((c) => {
    const short = c.steps.join(' = ');
    if (short.length + c.lhs.length < 100) return [`  ${c.lhs} = ${short}`];
    const pad = ' '.repeat(c.lhs.length + 2);
    return c.steps.map((s, i) => (i === 0 ? `  ${c.lhs} = ${s}` : `${pad}  = ${s}`));
  });
}
