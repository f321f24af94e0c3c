import { describe, expect, it } from 'vitest';
import { buildSeedNetwork, FORWARD_NAMES, PARAMETER_NAMES } from '../../../examples/src/seed-model.js';
import { scalar, TapegradError, tensor, toDot } from '../../src/index.js';

const nodeLines = (dot: string) => dot.split('\n').filter((l) => /^\s+n\d+ \[label=/.test(l));
const edgeLines = (dot: string) => dot.split('\n').filter((l) => /^\s+n\d+ -> n\d+;$/.test(l));

describe('toDot', () => {
  it('draws the seed network: every named value, its value and gradient, one arrow per input', () => {
    const net = buildSeedNetwork();
    net.E_total.backward({ retainGraph: true });
    const dot = toDot(net.E_total);
    expect(dot.startsWith('digraph tapegrad {')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    for (const name of [...FORWARD_NAMES, ...PARAMETER_NAMES, 'i1', 'i2']) {
      expect(dot, name).toMatch(new RegExp(`label="${name}\\\\n`));
    }
    const w5 = nodeLines(dot).find((l) => l.includes('label="w5\\n'))!;
    expect(w5).toContain('value 0.25');
    expect(w5).toContain(`grad ${Number(net.params.w5.grad.toPrecision(6))}`);
    expect(w5).toContain('filled');
    const out = nodeLines(dot).find((l) => l.includes('label="out_o1\\n'))!;
    expect(out).toContain('sigmoid');
    // An arrow per Scalar input of each op: 2 per binary op, 1 per sigmoid; a number operand (the
    // exponent of (t − out)², the ½ in front) is part of its op, not a node.
    const ops = { mul: 8 + 2, add: 6 + 3, sub: 2, pow: 2, sigmoid: 4 };
    const numberOperands = { mul: 2, pow: 2 };
    const arrows =
      2 * (ops.mul + ops.add + ops.sub + ops.pow) + ops.sigmoid - numberOperands.mul - numberOperands.pow;
    expect(edgeLines(dot)).toHaveLength(arrows);
  });

  it('shows shapes for large tensors and values for small ones, with gradients', () => {
    const w = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true, label: 'W' },
    );
    const y = w.mul(w).sum().retainGrad();
    y.backward({ retainGraph: true });
    const dot = toDot(y);
    expect(dot).toContain('label="W\\n[2,3] float32\\ngrad [2,3], norm');
    expect(dot).toMatch(/label="sum\\nvalue 91\\ngrad 1"/);
  });

  it('escapes quotes in labels; draws a Scalar graph after backward(), refuses a released Tensor graph', () => {
    const a = scalar(1, { requiresGrad: true, label: 'say "hi"' });
    const b = a.mul(2);
    expect(toDot(b)).toContain('label="say \\"hi\\"\\nvalue 1"');
    b.backward();
    expect(toDot(b)).toContain('label="say \\"hi\\"\\nvalue 1\\ngrad 2"');
    const t = tensor([1, 2], { requiresGrad: true });
    const y = t.mul(t).sum();
    y.backward();
    expect(() => toDot(y)).toThrow(TapegradError);
    expect(() => toDot(y)).toThrow(/retainGraph: true/);
  });
});
