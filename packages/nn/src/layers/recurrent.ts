/**
 * Recurrent layers over sequences: `RNN`, `LSTM`, `GRU`. Their parameters carry PyTorch's names
 * (`weight_ih_l0`, `bias_hh_l1_reverse`, …) and layouts, so state dicts move between the two.
 */
import {
  checkOptions,
  type Generator,
  type OptionKeys,
  TapegradError,
  type Tensor,
  zeros,
} from '@tapegrad/core';
import { runRecurrent } from '../functional/recurrent.js';
import { GATES, type RecurrentMode, type RecurrentWeights } from '../functional/recurrent-cell.js';
import { uniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { layerInput, requireFloatDtype, requireInt, requireNumber } from '../util.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of {@link RNN}, {@link LSTM} and {@link GRU}; PyTorch's defaults. */
export interface RecurrentLayerOptions extends LayerOptions {
  /** Stacked layers (default 1); layer l > 0 reads the outputs of layer l − 1. */
  numLayers?: number;
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** Input and output are `[B, T, ·]` (default false: `[T, B, ·]`). The state keeps batch second. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Run a second direction from the end of the sequence (default false). */
  bidirectional?: boolean;
}

/** Options of {@link RNN}: the layer options and the nonlinearity. */
export interface RNNOptions extends RecurrentLayerOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

const LAYER_OPTION_KEYS: OptionKeys<RecurrentLayerOptions> = {
  ...LAYER_KEYS,
  numLayers: true,
  bias: true,
  batchFirst: true,
  dropout: true,
  bidirectional: true,
};
const RNN_KEYS: OptionKeys<RNNOptions> = { ...LAYER_OPTION_KEYS, nonlinearity: true };

/**
 * The machinery shared by the recurrent layers: registers `weight_ih_l{k}`, `weight_hh_l{k}`,
 * `bias_ih_l{k}`, `bias_hh_l{k}` (with `_reverse` for the second direction) in PyTorch's order and
 * initializes every one uniform in ±1/√hiddenSize, as PyTorch.
 */
abstract class RecurrentBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  protected readonly mode: RecurrentMode;
  readonly #generator: Generator | undefined;

  protected constructor(
    name: string,
    mode: RecurrentMode,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentLayerOptions | undefined,
    keys: OptionKeys<RecurrentLayerOptions> = LAYER_OPTION_KEYS,
  ) {
    super();
    options = checkOptions(name, options, keys);
    this.mode = mode;
    this.inputSize = requireInt(name, 'inputSize', inputSize);
    this.hiddenSize = requireInt(name, 'hiddenSize', hiddenSize);
    this.numLayers = requireInt(name, 'numLayers', options.numLayers ?? 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = requireNumber(name, 'dropout', options.dropout ?? 0, 0, 1);
    this.bidirectional = options.bidirectional ?? false;
    this.#generator = options.generator;
    const dtype = requireFloatDtype(name, options.dtype ?? 'float32');
    const bound = 1 / Math.sqrt(hiddenSize);
    const rows = GATES[mode] * hiddenSize;
    const self = this as unknown as Record<string, Parameter>;
    for (const [key, shape] of this.#parameterShapes(rows)) {
      self[key] = new Parameter(zeros(shape, { dtype }));
      uniform(self[key]!, -bound, bound, { generator: options.generator });
    }
  }

  /** Parameter names and shapes in PyTorch's registration order. */
  #parameterShapes(rows: number): [string, number[]][] {
    const out: [string, number[]][] = [];
    const directions = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < directions; d++) {
        const suffix = `l${l}${d === 1 ? '_reverse' : ''}`;
        const input = l === 0 ? this.inputSize : this.hiddenSize * directions;
        out.push([`weight_ih_${suffix}`, [rows, input]], [`weight_hh_${suffix}`, [rows, this.hiddenSize]]);
        if (this.bias) out.push([`bias_ih_${suffix}`, [rows]], [`bias_hh_${suffix}`, [rows]]);
      }
    }
    return out;
  }

  /** Each layer's weights (reverse after forward), read from the named properties at call time. */
  protected flatWeights(): RecurrentWeights[] {
    const self = this as unknown as Record<string, Tensor | undefined>;
    const out: RecurrentWeights[] = [];
    const directions = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < directions; d++) {
        const s = `l${l}${d === 1 ? '_reverse' : ''}`;
        out.push({
          weightIh: self[`weight_ih_${s}`]!,
          weightHh: self[`weight_hh_${s}`]!,
          biasIh: self[`bias_ih_${s}`] ?? null,
          biasHh: self[`bias_hh_${s}`] ?? null,
        });
      }
    }
    return out;
  }

  /** Options for the functional forms, from the layer's configuration and mode. */
  protected runOptions() {
    return {
      op: this.constructor.name,
      bidirectional: this.bidirectional,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      training: this.training,
      generator: this.#generator,
    };
  }

  /** Runs the layer on `input` with the initial state `h` (and `c`). */
  protected run(input: Tensor, h: Tensor | null | undefined, c?: Tensor | null) {
    layerInput(this.constructor.name, input, this.flatWeights()[0]?.weightIh.dtype);
    return runRecurrent(this.mode, input, { h, c }, this.flatWeights(), this.runOptions());
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/**
 * A multi-layer Elman RNN: h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) (or relu, with
 * `nonlinearity: 'relu'`). `call(input, h0?)` returns `[output, hN]`: output `[T, B, D·H]` (or
 * `[B, T, D·H]` with `batchFirst`, `[T, D·H]` unbatched), hN `[numLayers·D, B, H]`.
 */
export class RNN extends RecurrentBase<[input: Tensor, h0?: Tensor | null], [Tensor, Tensor]> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions) {
    const nonlinearity = checkOptions('RNN', options, RNN_KEYS).nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new TapegradError('RNN', `nonlinearity must be 'tanh' or 'relu', got '${String(nonlinearity)}'.`);
    }
    super('RNN', nonlinearity === 'relu' ? 'rnnRelu' : 'rnnTanh', inputSize, hiddenSize, options, RNN_KEYS);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const r = this.run(input, h0);
    return [r.output, r.h];
  }

  /** The sizes and options, and the nonlinearity when it is not tanh. */
  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : ''}`;
  }
}

/**
 * A multi-layer LSTM with PyTorch's gate order (input, forget, cell, output). `call(input,
 * [h0, c0]?)` returns `[output, [hN, cN]]` with the shapes of {@link RNN}.
 */
export class LSTM extends RecurrentBase<
  [input: Tensor, state?: readonly [Tensor, Tensor] | null],
  [Tensor, [Tensor, Tensor]]
> {
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentLayerOptions) {
    super('LSTM', 'lstm', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (state !== undefined && state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new TapegradError('LSTM', 'the state must be a pair [h0, c0] of tensors.');
    }
    const r = this.run(input, state?.[0], state?.[1]);
    return [r.output, [r.h, r.c!]];
  }
}

/**
 * A multi-layer GRU with PyTorch's gate order (reset, update, new) and its reset gate applied to
 * the projected state. `call(input, h0?)` returns `[output, hN]` with the shapes of {@link RNN}.
 */
export class GRU extends RecurrentBase<[input: Tensor, h0?: Tensor | null], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentLayerOptions) {
    super('GRU', 'gru', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const r = this.run(input, h0);
    return [r.output, r.h];
  }
}
