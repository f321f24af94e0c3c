/**
 * `einsum`, lowered onto differentiable ops: diagonals (`take`), sums, `expand`, `permute`,
 * `reshape` and batched `matmul`. Every gradient, and every gradient of a gradient, comes from
 * those ops, so nothing here has a backward rule of its own.
 */
import { requireTensor } from '../args.js';
import { fmtShape, TapegradError } from '../errors.js';
import { stridedIndex } from '../kernels/indexing.js';
import { stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { permute } from './shape.js';
import { expand, reshape, take } from './shape-core.js';

/** An operand with one label per axis (letters by char code; ellipsis axes negative). */
interface Term {
  t: Tensor;
  labels: number[];
}

interface Parsed {
  inputs: number[][];
  output: number[];
}

const fail = (message: string): never => {
  throw new TapegradError('einsum', message);
};

/** Labels of one subscript string for a tensor of `rank` axes; `...` covers the axes left over. */
function parseTerm(term: string, rank: number, what: string, equation: string): number[] {
  const parts = term.split('...');
  if (parts.length > 2) fail(`${what} ('${term}') has more than one ellipsis in '${equation}'.`);
  const letters = (s: string) =>
    [...s].map((ch) =>
      /[a-zA-Z]/.test(ch)
        ? ch.charCodeAt(0)
        : fail(`invalid subscript '${ch}' in '${equation}'; use letters a–z, A–Z and '...'.`),
    );
  const head = letters(parts[0]!);
  const tail = parts.length === 2 ? letters(parts[1]!) : [];
  const named = head.length + tail.length;
  if (parts.length === 1 ? named !== rank : named > rank) {
    fail(`${what} has ${rank} axes but subscripts '${term}' in '${equation}' name ${named}.`);
  }
  // ellipsis axes are aligned from the right across operands, as in broadcasting: −1 is the last
  const ell = parts.length === 2 ? rank - named : 0;
  return [...head, ...Array.from({ length: ell }, (_, i) => i - ell), ...tail];
}

function parse(equation: string, operands: readonly Tensor[]): Parsed {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs, extra] = eq.split('->');
  if (extra !== undefined) fail(`'${equation}' has more than one '->'.`);
  const terms = lhs!.split(',');
  if (terms.length !== operands.length) {
    fail(`'${equation}' has ${terms.length} operand subscripts but ${operands.length} tensors were given.`);
  }
  const inputs = terms.map((term, k) => parseTerm(term, operands[k]!.ndim, `operand ${k}`, equation));
  const all = inputs.flat();
  const ellipsis = [...new Set(all.filter((l) => l < 0))].sort((a, b) => a - b);
  if (rhs === undefined) {
    // implicit output: the ellipsis axes, then the letters used once, in alphabetical (char code) order
    const once = [...new Set(all.filter((l) => l > 0 && all.indexOf(l) === all.lastIndexOf(l)))];
    return { inputs, output: [...ellipsis, ...once.sort((a, b) => a - b)] };
  }
  const rank = rhs.includes('...') ? rhs.replace('...', '').length + ellipsis.length : rhs.length;
  const output = parseTerm(rhs, rank, 'the output', equation);
  output.forEach((l, i) => {
    if (output.indexOf(l) !== i)
      fail(`output subscript '${String.fromCharCode(l)}' appears twice in '${equation}'.`);
    if (l > 0 && !all.includes(l)) {
      fail(`output subscript '${String.fromCharCode(l)}' in '${equation}' does not appear in any operand.`);
    }
  });
  return { inputs, output };
}

/** The size of every label: equal across operands, or 1 (broadcast), else an error. */
function labelSizes(terms: readonly Term[], equation: string): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const { t, labels } of terms) {
    labels.forEach((l, i) => {
      const d = t.shape[i]!;
      const seen = sizes.get(l);
      if (seen === undefined || seen === 1) sizes.set(l, d);
      else if (d !== 1 && d !== seen) {
        const name = l > 0 ? `'${String.fromCharCode(l)}'` : 'under the ellipsis';
        fail(`subscript ${name} has sizes ${seen} and ${d} in '${equation}'; they must match (or be 1).`);
      }
    });
  }
  return sizes;
}

/** Takes the diagonal over every label repeated within one operand (`'ii->i'`, traces). */
function diagonal(term: Term, equation: string): Term {
  const unique = [...new Set(term.labels)];
  if (unique.length === term.labels.length) return term;
  const strides = stridesOf(term.t.shape);
  const shape = unique.map((l) => {
    const sizes = term.labels.flatMap((m, i) => (m === l ? [term.t.shape[i]!] : []));
    if (sizes.some((d) => d !== sizes[0])) {
      fail(
        `repeated subscript '${String.fromCharCode(l)}' spans axes of sizes ${sizes.join(', ')} in '${equation}'.`,
      );
    }
    return sizes[0]!;
  });
  const walk = unique.map((l) => term.labels.reduce((s, m, i) => (m === l ? s + strides[i]! : s), 0));
  return { t: take('einsum', term.t, stridedIndex(shape, walk, 0), shape), labels: unique };
}

/** Sums away the labels of `term` that `keep` does not list. */
function sumOut(term: Term, keep: (l: number) => boolean): Term {
  const axes = term.labels.flatMap((l, i) => (keep(l) ? [] : [i]));
  if (axes.length === 0) return term;
  return { t: sum(term.t, axes), labels: term.labels.filter((l) => keep(l)) };
}

/** Broadcasts size-1 axes to the label's size, so shared labels agree before a contraction. */
function widen(term: Term, sizes: Map<number, number>): Term {
  const shape = term.labels.map((l) => sizes.get(l)!);
  return shape.every((d, i) => d === term.t.shape[i])
    ? term
    : { t: expand(term.t, shape), labels: term.labels };
}

/** Moves `term`'s axes into the order of `labels`. */
function arrange(term: Term, labels: readonly number[]): Tensor {
  const axes = labels.map((l) => term.labels.indexOf(l));
  return axes.every((a, i) => a === i) ? term.t : permute(term.t, axes);
}

/**
 * Contracts two operands: labels in both that are still needed become batch axes, labels in both
 * that are not are summed by the matrix product, and the rest stay. One batched matmul.
 */
function contract(a: Term, b: Term, needed: (l: number) => boolean, sizes: Map<number, number>): Term {
  const inB = (l: number) => b.labels.includes(l);
  const batch = a.labels.filter((l) => inB(l) && needed(l));
  const inner = a.labels.filter((l) => inB(l) && !needed(l));
  const left = a.labels.filter((l) => !inB(l));
  const right = b.labels.filter((l) => !a.labels.includes(l));
  const size = (ls: readonly number[]) => ls.reduce((p, l) => p * sizes.get(l)!, 1);
  const [nb, m, k, n] = [size(batch), size(left), size(inner), size(right)];
  const am = reshape(arrange(a, [...batch, ...left, ...inner]), [nb, m, k]);
  const bm = reshape(arrange(b, [...batch, ...inner, ...right]), [nb, k, n]);
  const labels = [...batch, ...left, ...right];
  return {
    t: reshape(
      matmul(am, bm),
      labels.map((l) => sizes.get(l)!),
    ),
    labels,
  };
}

/**
 * Einstein summation, as `torch.einsum`: `einsum('bij,bjk->bik', a, b)`. Subscripts are letters;
 * a letter repeated within one operand takes its diagonal (`'ii->i'`, trace `'ii'`); letters missing
 * from the output are summed; `...` stands for the axes not named (broadcast across operands).
 * Without `->` the output is the ellipsis axes, then the letters used exactly once, in
 * alphabetical order. Operands are contracted left to right, each pair as one batched matmul.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== 'string')
    fail(`the first argument must be the equation string, got ${typeof equation}.`);
  if (operands.length === 0) fail(`'${equation}' needs at least one operand.`);
  operands.forEach((t, i) => requireTensor('einsum', `operand ${i}`, t));
  const { inputs, output } = parse(equation, operands);
  let terms = inputs.map((labels, k) => diagonal({ t: operands[k]!, labels }, equation));
  const sizes = labelSizes(terms, equation);
  const usedLater = (from: number, l: number) =>
    output.includes(l) || terms.slice(from).some((t) => t.labels.includes(l));
  // a label only one operand has and the output lacks is summed at once
  terms = terms.map((t, k) =>
    sumOut(t, (l) => output.includes(l) || terms.some((u, j) => j !== k && u.labels.includes(l))),
  );
  let acc = widen(terms[0]!, sizes);
  for (let k = 1; k < terms.length; k++) {
    const next = widen(terms[k]!, sizes);
    acc = contract(acc, next, (l) => usedLater(k + 1, l), sizes);
  }
  acc = sumOut(acc, (l) => output.includes(l));
  const result = arrange(acc, output);
  const want = output.map((l) => sizes.get(l)!);
  if (result.shape.some((d, i) => d !== want[i])) {
    fail(
      `internal shape ${fmtShape(result.shape)} does not match the output ${fmtShape(want)}; this is a bug.`,
    );
  }
  return result;
}
