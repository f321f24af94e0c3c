/** The text a character model learns from: its alphabet, the text as indices, random windows. */
import { fromTypedArray, type Generator, TapegradError, type Tensor } from '@tapegrad/core';

/** The characters of a text, sorted, each with an index (as char-rnn does). */
export class Vocabulary {
  /** The characters; index i is `chars[i]`. */
  readonly chars: string[];
  readonly #index: Map<string, number>;

  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.#index = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** Number of characters. */
  get size(): number {
    return this.chars.length;
  }

  /** The indices of `text`; a character outside the alphabet is an error. */
  encode(text: string): Int32Array {
    const out = new Int32Array(text.length);
    [...text].forEach((c, i) => {
      const k = this.#index.get(c);
      if (k === undefined) {
        throw new TapegradError(
          'Vocabulary',
          `character ${JSON.stringify(c)} is not in the training text's alphabet.`,
        );
      }
      out[i] = k;
    });
    return out;
  }

  /** The text of `ids`. */
  decode(ids: Iterable<number>): string {
    let s = '';
    for (const i of ids) s += this.chars[i] ?? '';
    return s;
  }
}

/**
 * `batch` windows of `seqLen + 1` characters at random offsets of `ids`: inputs `[batch, seqLen]`
 * and the next-character targets (the same windows shifted by one), both int32.
 */
export function randomWindows(
  ids: Int32Array,
  batch: number,
  seqLen: number,
  generator: Generator,
): [Tensor, Tensor] {
  if (ids.length < seqLen + 1) {
    throw new TapegradError(
      'randomWindows',
      `the text has ${ids.length} characters; windows need ${seqLen + 1}.`,
    );
  }
  const x = new Int32Array(batch * seqLen);
  const y = new Int32Array(batch * seqLen);
  for (let b = 0; b < batch; b++) {
    const start = generator.int(0, ids.length - seqLen);
    x.set(ids.subarray(start, start + seqLen), b * seqLen);
    y.set(ids.subarray(start + 1, start + seqLen + 1), b * seqLen);
  }
  return [fromTypedArray(x, [batch, seqLen]), fromTypedArray(y, [batch, seqLen])];
}

/** Splits `ids` into a training part and the last `fraction` for validation. */
export function splitIds(ids: Int32Array, fraction: number): { train: Int32Array; valid: Int32Array } {
  const cut = Math.floor(ids.length * (1 - fraction));
  return { train: ids.subarray(0, cut), valid: ids.subarray(cut) };
}
