/** Multi-head attention with PyTorch's parameters (`in_proj_weight`, `out_proj`, …) and masks. */
import {
  checkOptions,
  type Generator,
  type OptionKeys,
  TapegradError,
  type Tensor,
  zeros,
} from '@tapegrad/core';
import { additiveMask, attend } from '../functional/attention.js';
import { checkDropoutP } from '../functional/dropout.js';
import { linear } from '../functional/linear.js';
import { constant, xavierUniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { fmtShape, layerInput, requireFloatDtype, requireInt } from '../util.js';
import { Linear } from './linear.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of {@link MultiheadAttention}; PyTorch's defaults. */
export interface MultiheadAttentionOptions extends LayerOptions {
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Learn the input and output projection biases (default true). */
  bias?: boolean;
  /** Feature size of the keys (default embedDim). */
  kdim?: number;
  /** Feature size of the values (default embedDim). */
  vdim?: number;
  /** Inputs and output are `[N, L, E]` (default false: `[L, N, E]`). */
  batchFirst?: boolean;
}

/** Per-call options of {@link MultiheadAttention.forward}. */
export interface MultiheadAttentionCallOptions {
  /**
   * `[N, S]` (`[S]` unbatched): an int32 (boolean) mask where 1 marks keys to **ignore**
   * (padding), or a float mask added to the scores.
   */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); otherwise the second result is null. */
  needWeights?: boolean;
  /**
   * `[L, S]` or `[N·numHeads, L, S]`: an int32 (boolean) mask where 1 marks pairs that may
   * **not** attend (PyTorch's convention for this layer), or a float mask added to the scores.
   */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true): `[N, L, S]`, else `[N, numHeads, L, S]`. */
  averageAttnWeights?: boolean;
}

const OP = 'MultiheadAttention';
const KEYS: OptionKeys<MultiheadAttentionOptions> = {
  ...LAYER_KEYS,
  dropout: true,
  bias: true,
  kdim: true,
  vdim: true,
  batchFirst: true,
};
const CALL_KEYS: OptionKeys<MultiheadAttentionCallOptions> = {
  keyPaddingMask: true,
  needWeights: true,
  attnMask: true,
  averageAttnWeights: true,
};

/**
 * Attention from `numHeads` heads of size embedDim/numHeads, as `torch.nn.MultiheadAttention`:
 * `call(query, key, value, options?)` returns `[output, weights | null]`, output `[L, N, E]`
 * (`[N, L, E]` with `batchFirst`, `[L, E]` unbatched). Parameters: `in_proj_weight` `[3E, E]`
 * (or `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when kdim or vdim differ from E),
 * `in_proj_bias` `[3E]` and `out_proj` (a Linear); Xavier-uniform projections and zero biases,
 * as PyTorch. Not supported: `addBiasKv`, `addZeroAttn`.
 */
export class MultiheadAttention extends Module<
  [query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionCallOptions],
  [Tensor, Tensor | null]
> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  // snake_case: PyTorch's state-dict keys
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: Linear;
  readonly #generator: Generator | undefined;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions) {
    super();
    options = checkOptions(OP, options, KEYS);
    this.embedDim = requireInt(OP, 'embedDim', embedDim);
    this.numHeads = requireInt(OP, 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) {
      throw new TapegradError(OP, `embedDim ${embedDim} must be divisible by numHeads ${numHeads}.`);
    }
    this.headDim = embedDim / numHeads;
    this.kdim = requireInt(OP, 'kdim', options.kdim ?? embedDim);
    this.vdim = requireInt(OP, 'vdim', options.vdim ?? embedDim);
    this.dropout = checkDropoutP(OP, options.dropout ?? 0);
    this.batchFirst = options.batchFirst ?? false;
    this.#generator = options.generator;
    const dtype = requireFloatDtype(OP, options.dtype ?? 'float32');
    const { generator } = options;
    const weight = (rows: number, cols: number) => {
      const p = new Parameter(zeros([rows, cols], { dtype }));
      xavierUniform(p, 1, { generator });
      return p;
    };
    if (this.kdim === embedDim && this.vdim === embedDim)
      this.in_proj_weight = weight(3 * embedDim, embedDim);
    else {
      this.q_proj_weight = weight(embedDim, embedDim);
      this.k_proj_weight = weight(embedDim, this.kdim);
      this.v_proj_weight = weight(embedDim, this.vdim);
    }
    const bias = options.bias ?? true;
    if (bias) this.in_proj_bias = new Parameter(zeros([3 * embedDim], { dtype }));
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype, generator });
    if (this.out_proj.bias) constant(this.out_proj.bias, 0);
  }

  /** The projection weight and bias of part `k` (0 query, 1 key, 2 value). */
  #projection(k: 0 | 1 | 2): [Tensor, Tensor | null] {
    const e = this.embedDim;
    const rows = (t: Tensor) => t.slice([[k * e, (k + 1) * e]]);
    const w = this.in_proj_weight
      ? rows(this.in_proj_weight)
      : [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][k]!;
    return [w, this.in_proj_bias ? rows(this.in_proj_bias) : null];
  }

  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options?: MultiheadAttentionCallOptions,
  ): [Tensor, Tensor | null] {
    options = checkOptions(OP, options, CALL_KEYS);
    const { needWeights = true, averageAttnWeights = true } = options;
    const dtype = this.out_proj.weight.dtype;
    for (const [name, t] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const)
      layerInput(OP, t, dtype, name);
    const unbatched = query.ndim === 2;
    const seqFirst = (t: Tensor) => (unbatched ? t.unsqueeze(1) : this.batchFirst ? t.transpose(0, 1) : t);
    const [q0, k0, v0] = [seqFirst(query), seqFirst(key), seqFirst(value)];
    this.#checkShapes(q0, k0, v0, query, key, value);
    const [l, n] = q0.shape as [number, number];
    const s = k0.shape[0]!;
    const h = this.numHeads;
    // [T, N, E] → [N·h, T, headDim], as PyTorch's view(T, N·h, hd).transpose(0, 1)
    const heads = (t: Tensor, steps: number) => t.reshape([steps, n * h, this.headDim]).transpose(0, 1);
    const q = heads(linear(q0, ...this.#projection(0)), l);
    const k = heads(linear(k0, ...this.#projection(1)), s);
    const v = heads(linear(v0, ...this.#projection(2)), s);
    const mask = this.#mask(options, unbatched, l, n, s, q);
    const p = this.training ? this.dropout : 0;
    const att = attend(q, k, v, mask, 1 / Math.sqrt(this.headDim), p, this.#generator);
    let out = this.out_proj.call(att.output.transpose(0, 1).reshape([l, n, this.embedDim]));
    out = unbatched ? out.squeeze(1) : this.batchFirst ? out.transpose(0, 1) : out;
    if (!needWeights) return [out, null];
    let weights = att.weights.reshape([n, h, l, s]);
    if (averageAttnWeights) weights = weights.mean(1);
    return [out, unbatched ? weights.squeeze(0) : weights];
  }

  #checkShapes(q: Tensor, k: Tensor, v: Tensor, query: Tensor, key: Tensor, value: Tensor): void {
    const ok =
      q.ndim === 3 &&
      k.ndim === 3 &&
      v.ndim === 3 &&
      q.shape[2] === this.embedDim &&
      k.shape[2] === this.kdim &&
      v.shape[2] === this.vdim &&
      k.shape[0] === v.shape[0] &&
      k.shape[1] === q.shape[1] &&
      v.shape[1] === q.shape[1];
    if (!ok) {
      const layout = this.batchFirst ? '[N, L, E]' : '[L, N, E]';
      throw new TapegradError(
        OP,
        `expects query ${layout} with E = ${this.embedDim}, key and value of the same batch and length with ${this.kdim} and ${this.vdim} features (or all unbatched); got query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}.`,
      );
    }
  }

  /** attnMask and keyPaddingMask as one additive mask broadcastable to `[N·h, L, S]`. */
  #mask(
    options: MultiheadAttentionCallOptions,
    unbatched: boolean,
    l: number,
    n: number,
    s: number,
    like: Tensor,
  ): Tensor | null {
    const { attnMask, keyPaddingMask } = options;
    const h = this.numHeads;
    let mask: Tensor | null = null;
    if (attnMask) {
      const ok =
        (attnMask.ndim === 2 && attnMask.shape[0] === l && attnMask.shape[1] === s) ||
        (attnMask.ndim === 3 &&
          attnMask.shape[0] === n * h &&
          attnMask.shape[1] === l &&
          attnMask.shape[2] === s);
      if (!ok) {
        throw new TapegradError(
          OP,
          `attnMask must be [${l}, ${s}] or [${n * h}, ${l}, ${s}], got ${fmtShape(attnMask.shape)}.`,
        );
      }
      mask = additiveMask(attnMask, 'nonzero', like);
    }
    if (keyPaddingMask) {
      const want = unbatched ? [s] : [n, s];
      if (keyPaddingMask.ndim !== want.length || keyPaddingMask.shape.some((d, i) => d !== want[i])) {
        throw new TapegradError(
          OP,
          `keyPaddingMask must be ${fmtShape(want)}, got ${fmtShape(keyPaddingMask.shape)}.`,
        );
      }
      const kpm = additiveMask(keyPaddingMask, 'nonzero', like)
        .reshape([n, 1, 1, s])
        .expand([n, h, 1, s])
        .reshape([n * h, 1, s]);
      mask = mask ? mask.add(kpm) : kpm;
    }
    return mask;
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.batchFirst ? ', batchFirst=true' : ''}`;
  }
}
