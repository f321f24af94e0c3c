import { TapegradError, tensor } from '@tapegrad/core';
import { accuracy, confusionMatrix, formatConfusionMatrix } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

const labels = tensor([0, 1, 2, 2, 1], { dtype: 'int32' });
const logits = tensor([
  [3, 1, 0], // 0 ✓
  [0, 2, 1], // 1 ✓
  [0, 5, 1], // 1 ✗ (true 2)
  [0, 0, 4], // 2 ✓
  [9, 0, 0], // 0 ✗ (true 1)
]);

describe('accuracy', () => {
  it('compares the row argmax of scores, or class indices, with the labels', () => {
    expect(accuracy(logits, labels)).toBe(3 / 5);
    expect(accuracy(tensor([0, 1, 2, 2, 1], { dtype: 'int32' }), labels)).toBe(1);
    expect(accuracy(tensor([], { dtype: 'int32' }), tensor([], { dtype: 'int32' }))).toBe(0);
  });

  it('rejects float labels and mismatched lengths', () => {
    expect(() => accuracy(logits, tensor([0, 1, 2, 2, 1]))).toThrow(
      /labels must be a 1-D int32 tensor .* labels.int\(\)/,
    );
    expect(() => accuracy(logits, tensor([0, 1], { dtype: 'int32' }))).toThrow(TapegradError);
  });
});

describe('confusionMatrix', () => {
  it('counts true classes in rows and predictions in columns', () => {
    const m = confusionMatrix(logits, labels);
    expect(m.dtype).toBe('int32');
    expect(m.toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
    expect(
      confusionMatrix(tensor([1, 1], { dtype: 'int32' }), tensor([0, 1], { dtype: 'int32' }), 3).toArray(),
    ).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects classes outside the range', () => {
    expect(() =>
      confusionMatrix(tensor([0, 5], { dtype: 'int32' }), tensor([0, 1], { dtype: 'int32' }), 3),
    ).toThrow(/a prediction lies outside \[0, 3\)/);
  });

  it('formats as a table with recall per row', () => {
    const text = formatConfusionMatrix(confusionMatrix(logits, labels));
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/true\\pred\s+0\s+1\s+2\s+recall/);
    expect(lines[2]).toMatch(/^\s+1\s+1\s+1\s+0\s+50\.0%$/);
  });
});
