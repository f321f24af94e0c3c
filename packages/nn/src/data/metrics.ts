/** Classification metrics: accuracy and the confusion matrix. */
import { oneHot, requireTensor, TapegradError, Tensor } from '@tapegrad/core';

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

/**
 * Predicted classes from `predictions`: `[N, C]` scores (logits or probabilities; the argmax of
 * each row is taken) or `[N]` class indices. Checks them against `[N]` int32 `labels`.
 */
function predictedClasses(op: string, predictions: Tensor, labels: Tensor): Tensor {
  requireTensor(op, 'predictions', predictions);
  requireTensor(op, 'labels', labels);
  if (labels.ndim !== 1 || labels.dtype !== 'int32') {
    throw new TapegradError(
      op,
      `labels must be a 1-D int32 tensor of class indices, got ${labels.dtype} of shape ${fmt(labels.shape)}; convert with labels.int().`,
    );
  }
  const classes =
    predictions.ndim === 2 ? predictions.argmax(1) : predictions.ndim === 1 ? predictions.int() : null;
  if (classes === null || classes.shape[0] !== labels.shape[0]) {
    throw new TapegradError(
      op,
      `predictions must be [N, classes] scores or [N] class indices with N = ${labels.shape[0]} labels, got shape ${fmt(predictions.shape)}.`,
    );
  }
  return classes;
}

/**
 * The fraction of samples whose predicted class equals the label, in [0, 1] (0 for no samples).
 *
 * @param predictions `[N, C]` scores (the row argmax is the prediction) or `[N]` class indices.
 * @param labels `[N]` int32 class indices.
 */
export function accuracy(predictions: Tensor, labels: Tensor): number {
  const classes = predictedClasses('accuracy', predictions, labels);
  const n = labels.shape[0]!;
  return n === 0 ? 0 : classes.eq(labels).sum().item() / n;
}

/**
 * The confusion matrix: entry `[t, p]` counts the samples of true class `t` predicted as class
 * `p` (rows are labels, columns predictions, as scikit-learn), an int32 `[C, C]` tensor.
 *
 * @param predictions `[N, C]` scores or `[N]` class indices.
 * @param labels `[N]` int32 class indices.
 * @param numClasses C; by default the number of score columns, or one more than the largest
 *   class seen.
 * @throws TapegradError if a label or prediction is outside `[0, numClasses)`.
 */
export function confusionMatrix(predictions: Tensor, labels: Tensor, numClasses?: number): Tensor {
  const classes = predictedClasses('confusionMatrix', predictions, labels);
  const c =
    numClasses ??
    (predictions.ndim === 2
      ? predictions.shape[1]!
      : labels.size === 0
        ? 0
        : Math.max(labels.max().item(), classes.max().item()) + 1);
  if (!Number.isInteger(c) || c < 1) {
    throw new TapegradError('confusionMatrix', `numClasses must be a positive integer, got ${c}.`);
  }
  for (const [name, t] of [
    ['label', labels],
    ['prediction', classes],
  ] as const) {
    if (t.size > 0 && (t.min().item() < 0 || t.max().item() >= c)) {
      throw new TapegradError(
        'confusionMatrix',
        `a ${name} lies outside [0, ${c}) (range ${t.min().item()}…${t.max().item()}); pass numClasses to match your classes.`,
      );
    }
  }
  // Cell t·C + p of a flattened C×C grid, counted by summing one-hot rows.
  const cells = labels.mul(c).add(classes);
  return oneHot(cells, c * c, { dtype: 'float64' })
    .sum(0)
    .int()
    .reshape([c, c]);
}

/**
 * The confusion matrix as aligned text, with row (true) and column (predicted) headers and each
 * row's recall.
 */
export function formatConfusionMatrix(matrix: Tensor, labels?: readonly string[]): string {
  if (!(matrix instanceof Tensor) || matrix.ndim !== 2 || matrix.shape[0] !== matrix.shape[1]) {
    throw new TapegradError(
      'formatConfusionMatrix',
      `expects a square [C, C] tensor from confusionMatrix, got ${matrix instanceof Tensor ? fmt(matrix.shape) : typeof matrix}.`,
    );
  }
  const rows = matrix.toArray() as number[][];
  const names = labels ?? rows.map((_, i) => String(i));
  const width = Math.max(5, ...rows.flat().map((v) => String(v).length), ...names.map((s) => s.length)) + 1;
  const pad = (s: string) => s.padStart(width);
  const first = (s: string) => s.padStart(Math.max(width, 10));
  const header = `${first('true\\pred')}${names.map(pad).join('')}${'recall'.padStart(8)}`;
  const body = rows.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total === 0 ? '-' : `${((100 * (row[i] ?? 0)) / total).toFixed(1)}%`;
    return `${first(names[i] ?? String(i))}${row.map((v) => pad(String(v))).join('')}${recall.padStart(8)}`;
  });
  return [header, ...body].join('\n');
}
