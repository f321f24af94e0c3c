/**
 * Formulas as text (`out_o1·(1 − out_o1)`, also used inside Markdown) and as LaTeX
 * (`\mathrm{out}_{\mathrm{o1}} \cdot \left(1 - \mathrm{out}_{\mathrm{o1}}\right)`), with as few
 * parentheses as precedence allows. LaTeX uses only standard macros (see {@link latexName}).
 */
import { fmtNum } from '../check/table.js';
import type { Comparison, Formula, FunctionName } from '../math/formula.js';
import { checkOptions, type OptionKeys } from '../options.js';

/** How a formula is written: plain text (Markdown cells use it too) or LaTeX math. */
export type FormulaFormat = 'text' | 'latex';

/** Options of {@link formatFormula}. */
export interface FormulaFormatOptions {
  /** Significant digits of constants (default 10). */
  digits?: number;
  /** Write each symbol's value instead of its name (the "numbers substituted" line of a worksheet). */
  substitute?: boolean;
}

const FORMAT_KEYS: OptionKeys<FormulaFormatOptions> = { digits: true, substitute: true };

/** Precedence of what a rendering produced: parenthesize it where a tighter one is needed. */
const SUM = 1;
const PRODUCT = 2;
const POWER = 3;
const ATOM = 4;

interface Style {
  number(v: number): string;
  symbol(name: string): string;
  paren(s: string): string;
  readonly neg: string;
  readonly minus: string;
  readonly plus: string;
  readonly times: string;
  /** Precedence of a quotient (a LaTeX \frac is a block, text a/b binds like a product). */
  readonly divPrecedence: number;
  div(num: [string, number], den: [string, number]): string;
  pow(base: string, exp: [string, number]): string;
  fn(name: FunctionName, args: string[], params: [string, string][]): string;
  cmp(op: Comparison, a: string, b: string): string;
  where(a: string, cond: string, b: string): string;
}

/** `f` written in `format`. */
export function formatFormula(f: Formula, format: FormulaFormat, options?: FormulaFormatOptions): string {
  options = checkOptions('formatFormula', options, FORMAT_KEYS);
  const digits = options.digits ?? 10;
  const style = format === 'latex' ? latexStyle(digits) : textStyle(digits);
  return render(f, style, options.substitute ?? false)[0];
}

function render(f: Formula, s: Style, sub: boolean): [string, number] {
  const r = (g: Formula) => render(g, s, sub);
  const atLeast = ([text, p]: [string, number], min: number) => (p >= min ? text : s.paren(text));
  switch (f.kind) {
    case 'num':
      return [s.number(f.value), f.value < 0 ? PRODUCT : ATOM];
    case 'sym':
      if (!sub) return [s.symbol(f.name), ATOM];
      return [f.value < 0 ? s.paren(s.number(f.value)) : s.number(f.value), ATOM];
    case 'sum':
      return [f.terms.map((t, i) => sumTerm(t, i === 0, s, sub)).join(''), SUM];
    case 'product': {
      // A lone quotient needs no parentheses (−x/y); among other factors it keeps them.
      const min = f.factors.length === 1 ? PRODUCT : POWER;
      const pieces = f.factors.map((g) => atLeast(r(g), min));
      const c = Math.abs(f.coef);
      if (c !== 1) pieces.unshift(s.number(c));
      return [`${f.coef < 0 ? s.neg : ''}${pieces.join(s.times)}`, PRODUCT];
    }
    case 'div':
      return [s.div(r(f.num), r(f.den)), s.divPrecedence];
    case 'pow':
      return [s.pow(atLeast(r(f.base), ATOM), r(f.exp)), POWER];
    case 'fn': {
      const names = PARAMETER_NAMES[f.name] ?? [];
      const params = f.params.map((v, i): [string, string] => [names[i] ?? `p${i}`, s.number(v)]);
      return [
        s.fn(
          f.name,
          f.args.map((a) => r(a)[0]),
          params,
        ),
        ATOM,
      ];
    }
    case 'cmp':
      return [s.cmp(f.op, r(f.a)[0], r(f.b)[0]), ATOM];
    case 'where': {
      const cond = f.cond.kind === 'cmp' ? condition(f.cond, s, sub) : `${r(f.cond)[0]} ≠ 0`;
      return [s.where(r(f.a)[0], cond, r(f.b)[0]), ATOM];
    }
  }
}

/** A term of a sum: its sign becomes the operator (`a − b·c`, not `a + −b·c`). */
function sumTerm(t: Formula, first: boolean, s: Style, sub: boolean): string {
  const negative = (t.kind === 'product' && t.coef < 0) || (t.kind === 'num' && t.value < 0);
  if (first) return render(t, s, sub)[0];
  if (!negative) return `${s.plus}${render(t, s, sub)[0]}`;
  const flipped: Formula =
    t.kind === 'num' ? { kind: 'num', value: -t.value } : { ...t, coef: -(t as { coef: number }).coef };
  return `${s.minus}${render(flipped, s, sub)[0]}`;
}

/** A comparison written as a condition (no Iverson brackets). */
function condition(f: Extract<Formula, { kind: 'cmp' }>, s: Style, sub: boolean): string {
  const bracketed = s.cmp(f.op, render(f.a, s, sub)[0], render(f.b, s, sub)[0]);
  return bracketed.replace(/^(\\left)?\[/, '').replace(/(\\right)?\]$/, '');
}

const PARAMETER_NAMES: Partial<Record<FunctionName, string[]>> = {
  leakyRelu: ['slope'],
  elu: ['alpha'],
  softplus: ['beta', 'threshold'],
  clamp: ['min', 'max'],
};

const TEXT_CMP: Record<Comparison, string> = { gt: '>', ge: '≥', lt: '<', le: '≤', eq: '=' };
const TEXT_FN: Partial<Record<FunctionName, string>> = {
  sigmoid: 'σ',
  log: 'ln',
  maximum: 'max',
  minimum: 'min',
};

function textStyle(digits: number): Style {
  return {
    number: (v) => fmtNum(v, digits).replace(/^-/, '−'),
    symbol: (name) => name,
    paren: (t) => `(${t})`,
    neg: '−',
    minus: ' − ',
    plus: ' + ',
    times: '·',
    divPrecedence: PRODUCT,
    div: ([n, np], [d, dp]) => `${np > SUM ? n : `(${n})`}/${dp >= POWER ? d : `(${d})`}`,
    pow: (base, [e, ep]) => `${base}^${ep === ATOM ? e : `(${e})`}`,
    fn: (name, args, params) => {
      if (name === 'sqrt') return `√(${args[0]})`;
      if (name === 'abs') return `|${args[0]}|`;
      const extra = params.length > 0 ? `; ${params.map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
      return `${TEXT_FN[name] ?? name}(${args.join(', ')}${extra})`;
    },
    cmp: (op, a, b) => `[${a} ${TEXT_CMP[op]} ${b}]`,
    where: (a, cond, b) => `(${a} if ${cond} else ${b})`,
  };
}

const LATEX_CMP: Record<Comparison, string> = { gt: '>', ge: '\\geq', lt: '<', le: '\\leq', eq: '=' };
const LATEX_FN: Partial<Record<FunctionName, string>> = {
  sigmoid: '\\sigma',
  exp: '\\exp',
  log: '\\ln',
  sin: '\\sin',
  cos: '\\cos',
  tanh: '\\tanh',
  maximum: '\\max',
  minimum: '\\min',
};

function latexStyle(digits: number): Style {
  return {
    number: (v) => latexNumber(v, digits),
    symbol: latexName,
    paren: (t) => `\\left(${t}\\right)`,
    neg: '-',
    minus: ' - ',
    plus: ' + ',
    times: ' \\cdot ',
    divPrecedence: ATOM,
    div: ([n], [d]) => `\\frac{${n}}{${d}}`,
    pow: (base, [e]) => `${base}^{${e}}`,
    fn: (name, args, params) => {
      if (name === 'sqrt') return `\\sqrt{${args[0]}}`;
      if (name === 'abs') return `\\left|${args[0]}\\right|`;
      const extra = params.length > 0 ? `; ${params.map(([k, v]) => `\\mathrm{${k}}=${v}`).join(', ')}` : '';
      return `${LATEX_FN[name] ?? `\\mathrm{${name}}`}\\left(${args.join(', ')}${extra}\\right)`;
    },
    cmp: (op, a, b) => `\\left[${a} ${LATEX_CMP[op]} ${b}\\right]`,
    where: (a, cond, b) =>
      `\\left\\{\\begin{array}{ll} ${a} & \\text{if } ${cond} \\\\ ${b} & \\text{otherwise} \\end{array}\\right.`,
  };
}

/** A number in LaTeX: `-0.25`, `1.2 \times 10^{-7}`, `\infty`. */
export function latexNumber(v: number, digits = 10): string {
  if (Number.isNaN(v)) return '\\mathrm{NaN}';
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : '-\\infty';
  const text = fmtNum(v, digits);
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(text);
  return m ? `${m[1]} \\times 10^{${Number(m[2])}}` : text;
}

const GREEK: Record<string, string> = {
  α: '\\alpha',
  β: '\\beta',
  γ: '\\gamma',
  δ: '\\delta',
  ε: '\\epsilon',
  η: '\\eta',
  θ: '\\theta',
  λ: '\\lambda',
  μ: '\\mu',
  σ: '\\sigma',
  τ: '\\tau',
  φ: '\\phi',
  ω: '\\omega',
  Δ: '\\Delta',
};

/** One word of a name in LaTeX math: a single letter in italics, longer words upright. */
function latexWord(word: string): string {
  if (/^[A-Za-z]$/.test(word) || GREEK[word] !== undefined) return GREEK[word] ?? word;
  const escaped = [...word]
    .map((ch) => {
      if (/[A-Za-z0-9.,:;!?'()+\-*/=<> ]/.test(ch)) return ch;
      if ('#$%&_{}'.includes(ch)) return `\\${ch}`;
      return GREEK[ch] !== undefined ? `}${GREEK[ch]}\\mathrm{` : '?';
    })
    .join('');
  return `\\mathrm{${escaped}}`.replace(/\\mathrm\{\}/g, '');
}

/**
 * A label as LaTeX math: `w5` → `w_{5}`, `out_o1` → `\mathrm{out}_{\mathrm{o1}}`,
 * `E_total` → `E_{\mathrm{total}}`; special characters escaped, Greek letters as their macros.
 */
export function latexName(name: string): string {
  const digits = /^([A-Za-z]+|[α-ωΑ-Ω])(\d+)$/.exec(name);
  if (digits) return `${latexWord(digits[1]!)}_{${digits[2]}}`;
  const u = name.indexOf('_');
  if (u > 0 && u < name.length - 1) return `${latexWord(name.slice(0, u))}_{${latexWord(name.slice(u + 1))}}`;
  return latexWord(name);
}
