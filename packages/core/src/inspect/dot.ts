/** `toDot`: the graph behind a value as Graphviz DOT, for drawing with `dot -Tsvg`. */
import { fmtNum } from '../check/table.js';
import { fmtShape, TapegradError } from '../errors.js';
import { walkGraph } from '../graph.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { Scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';

/** Options of {@link toDot}. */
export interface DotOptions {
  /** Significant digits of values and gradients (default 6). */
  digits?: number;
  /** Tensors with at most this many elements show their values (default 4); others their shape. */
  maxValues?: number;
  /** Graphviz layout direction (default `'LR'`, inputs on the left). */
  rankdir?: 'LR' | 'TB' | 'RL' | 'BT';
}

const DOT_KEYS: OptionKeys<DotOptions> = { digits: true, maxValues: true, rankdir: true };

type Node = Scalar | Tensor;

/**
 * Graphviz DOT of the graph that produced `output`: one box per value, labelled with its label
 * (if any), the op that made it, its value (or shape and dtype) and its gradient when one is
 * stored; arrows run from inputs to results. Leaves that require grad are shaded, constants
 * dashed. Draw it after `backward()` to see gradients (for a Tensor graph, after
 * `backward({ retainGraph: true })`, since a plain `backward()` releases a Tensor graph).
 *
 * @example
 * writeFileSync('graph.dot', toDot(loss)); // then: dot -Tsvg graph.dot -o graph.svg
 */
export function toDot(output: Scalar | Tensor, options?: DotOptions): string {
  options = checkOptions('toDot', options, DOT_KEYS);
  if (!(output instanceof Scalar) && !(output instanceof Tensor)) {
    throw new TapegradError(
      'toDot',
      `expected a Scalar or a Tensor, got ${output === null ? 'null' : typeof output}.`,
    );
  }
  if (output instanceof Tensor && output.released) {
    throw new TapegradError(
      'toDot',
      `the graph of '${output.label ?? output.op}' was released by backward(); draw it before backward(), or call backward({ retainGraph: true }) to keep it.`,
    );
  }
  const digits = options.digits ?? 6;
  const maxValues = options.maxValues ?? 4;
  const nodes: Node[] = walkGraph<Node>([output]);
  const num = (v: number) => fmtNum(v, digits);
  const index = new Map(nodes.map((n, i) => [n.seq, i]));
  const id = (n: Node) => `n${index.get(n.seq)}`;

  const lines = [
    'digraph tapegrad {',
    `  rankdir=${options.rankdir ?? 'LR'};`,
    '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
    '  edge [color="#555555", arrowsize=0.7];',
  ];
  for (const n of nodes) {
    const text: string[] = [];
    const isLeaf = n.isLeaf && n.parents.length === 0;
    if (n.label !== undefined) text.push(n.label);
    if (!isLeaf || n.label === undefined) text.push(isLeaf ? (n.requiresGrad ? 'leaf' : 'constant') : n.op);
    text.push(valueText(n, num, maxValues));
    const g = gradText(n, num, maxValues);
    if (g) text.push(g);
    const style = isLeaf
      ? n.requiresGrad
        ? 'style="rounded,filled", fillcolor="#dbe9f6"'
        : 'style="rounded,dashed"'
      : n === output
        ? 'style="rounded,bold,filled", fillcolor="#fde8d0"'
        : '';
    lines.push(`  ${id(n)} [label="${text.map(escapeDot).join('\\n')}"${style ? `, ${style}` : ''}];`);
  }
  for (const n of nodes) for (const p of n.parents as Node[]) lines.push(`  ${id(p)} -> ${id(n)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function valueText(n: Node, num: (v: number) => string, maxValues: number): string {
  if (n instanceof Scalar) return `value ${num(n.value)}`;
  if (n.size <= maxValues) {
    const values = Array.from(n.data, num).join(', ');
    return n.shape.length === 0 ? `value ${values}` : `${fmtShape(n.shape)} [${values}]`;
  }
  return `${fmtShape(n.shape)} ${n.dtype}`;
}

function gradText(n: Node, num: (v: number) => string, maxValues: number): string | undefined {
  if (n instanceof Scalar) return n.grad !== 0 || n.retainsGrad ? `grad ${num(n.grad)}` : undefined;
  const g = n.grad;
  if (g === null) return undefined;
  if (g.size <= maxValues)
    return `grad ${g.shape.length === 0 ? '' : '['}${Array.from(g.data, num).join(', ')}${g.shape.length === 0 ? '' : ']'}`;
  let sq = 0;
  for (const v of g.data) sq += v * v;
  return `grad ${fmtShape(g.shape)}, norm ${num(Math.sqrt(sq))}`;
}

const escapeDot = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
