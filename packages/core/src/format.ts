import type { Tensor } from './tensor.js';

const MAX_ITEMS = 6; // per axis before eliding with "..."

/** PyTorch-style text of a tensor, eliding the middle of long axes. */
export function formatTensor(t: Tensor): string {
  const isInt = t.dtype === 'int32';
  const fmt = (v: number) =>
    isInt
      ? String(v)
      : Number.isInteger(v) && Math.abs(v) < 1e6
        ? `${v}.`
        : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6
          ? v.toFixed(4)
          : v.toExponential(4);
  const render = (axis: number, offset: number, stride: number, indent: string): string => {
    if (axis === t.shape.length) return fmt(t.data[offset]!);
    const n = t.shape[axis]!;
    const inner = n === 0 ? 0 : stride / n;
    const picks = n > MAX_ITEMS ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    const parts = picks.map((i) =>
      i < 0 ? '...' : render(axis + 1, offset + i * inner, inner, `${indent} `),
    );
    const sep = axis === t.shape.length - 1 ? ', ' : `,\n${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const body = render(0, 0, t.size, '       ');
  const extras = [
    t.dtype !== 'float32' ? `dtype=${t.dtype}` : '',
    t.requiresGrad ? (t.isLeaf ? 'requiresGrad=true' : `gradFn=${t.op}`) : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `tensor(${body}${extras ? `, ${extras}` : ''})`;
}
