/**
 * The output formats of the verification reports — plain text, Markdown (tables) and LaTeX —
 * as one small interface, so each report is laid out once and written in any of them.
 */
import { fmtNum, table } from '../check/table.js';
import { TapegradError } from '../errors.js';
import type { Formula } from '../math/formula.js';
import { formatFormula, latexName, latexNumber } from './formula-format.js';

/** How a report is written: aligned plain text, Markdown with tables, or LaTeX. */
export type ReportFormat = 'text' | 'markdown' | 'latex';

/** The pieces of a report in one format. Math pieces need `inline` in running LaTeX text. */
export interface Markup {
  readonly format: ReportFormat;
  /** A number to `digits` significant digits. */
  number(v: number): string;
  /** A value's name. */
  name(n: string): string;
  /** `∂of/∂wrt`. */
  derivative(of: string, wrt: string): string;
  /** A formula; `substitute` writes each symbol's value instead of its name. */
  formula(f: Formula, substitute?: boolean): string;
  /** Running words (escaped for LaTeX). */
  words(s: string): string;
  /** A math piece placed in running text (`$…$` in LaTeX). */
  inline(math: string): string;
  /** Text emphasised as a heading-like lead (`**…**` in Markdown, `\textbf` in LaTeX). */
  strong(s: string): string;
  /** A table whose cells were written with this markup. */
  table(header: readonly string[], rows: readonly (readonly string[])[]): string[];
  /** A product sign between numbers (`×`, `\times`). */
  readonly times: string;
}

/** Checks a `format` option, naming the tool. */
export function requireFormat(fn: string, format: unknown): ReportFormat {
  if (format === undefined) return 'text';
  if (format === 'text' || format === 'markdown' || format === 'latex') return format;
  throw new TapegradError(fn, `format must be 'text', 'markdown' or 'latex', got ${JSON.stringify(format)}.`);
}

/** The markup of `format`. Text keeps ASCII minus signs unless `unicodeMinus` (formulas use −). */
export function markupOf(format: ReportFormat, digits = 10, unicodeMinus = true): Markup {
  if (format === 'latex') return latexMarkup(digits);
  const number = (v: number) => {
    const s = fmtNum(v, digits);
    return unicodeMinus ? s.replace(/^-/, '−') : s;
  };
  const formula = (f: Formula, substitute?: boolean) => formatFormula(f, 'text', { digits, substitute });
  if (format === 'text') {
    return {
      format,
      number,
      name: (n) => n,
      derivative: (of, wrt) => `∂${of}/∂${wrt}`,
      formula,
      words: (s) => s,
      inline: (m) => m,
      strong: (s) => s,
      table: (header, rows) => table(header, rows),
      times: '×',
    };
  }
  const code = (s: string) => `\`${s}\``;
  return {
    format,
    number,
    name: code,
    derivative: (of, wrt) => code(`∂${of}/∂${wrt}`),
    formula: (f, substitute) => code(formula(f, substitute)),
    words: (s) => s,
    inline: (m) => m,
    strong: (s) => `**${s}**`,
    table: markdownTable,
    times: '×',
  };
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- |').join('')}`, ...rows.map(line), ''];
}

function latexMarkup(digits: number): Markup {
  return {
    format: 'latex',
    number: (v) => latexNumber(v, digits),
    name: latexName,
    derivative: (of, wrt) => `\\frac{\\partial ${latexName(of)}}{\\partial ${latexName(wrt)}}`,
    formula: (f, substitute) => formatFormula(f, 'latex', { digits, substitute }),
    words: latexText,
    inline: (m) => `$${m}$`,
    strong: (s) => `\\textbf{${s}}`,
    table: (header, rows) => {
      const cols = header.map(() => 'l').join(' ');
      const line = (cells: readonly string[]) => `${cells.join(' & ')} \\\\`;
      return [
        `\\begin{tabular}{${cols}}`,
        '\\hline',
        line(header.map(latexText)),
        '\\hline',
        ...rows.map(line),
        '\\hline',
        '\\end{tabular}',
      ];
    },
    times: '\\times',
  };
}

const LATEX_TEXT: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  _: '\\_',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  '^': '\\^{}',
  '~': '\\~{}',
  '|': '$|$',
  '<': '$<$',
  '>': '$>$',
  '→': '$\\to$',
  '←': '$\\leftarrow$',
  '−': '-',
  '·': '$\\cdot$',
  '×': '$\\times$',
  '½': '$\\frac{1}{2}$',
  '✗': 'X',
  '∂': '$\\partial$',
  η: '$\\eta$',
  σ: '$\\sigma$',
  δ: '$\\delta$',
  '≠': '$\\neq$',
  '≈': '$\\approx$',
  '…': '\\ldots{}',
  '⊙': '$\\odot$',
  ᵀ: '$^{T}$',
};

/** Words for LaTeX text mode: special characters escaped, the few symbols reports use as math. */
export function latexText(s: string): string {
  return [...s].map((ch) => LATEX_TEXT[ch] ?? (ch.charCodeAt(0) < 128 ? ch : '?')).join('');
}
