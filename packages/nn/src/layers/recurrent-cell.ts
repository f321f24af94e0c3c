/**
 * Single-step recurrent cells: `RNNCell`, `LSTMCell`, `GRUCell`, with PyTorch's parameter names
 * (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`), layouts, gate order and initialization.
 */
import { checkOptions, type OptionKeys, TapegradError, type Tensor, zeros } from '@tapegrad/core';
import {
  GATES,
  gruCell,
  lstmCell,
  type RecurrentMode,
  type RecurrentWeights,
  rnnCell,
} from '../functional/recurrent-cell.js';
import { uniform } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { layerInput, requireFloatDtype, requireInt } from '../util.js';
import { LAYER_KEYS, type LayerOptions } from './options.js';

/** Options of the recurrent cells. */
export interface RecurrentCellOptions extends LayerOptions {
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
}

/** Options of {@link RNNCell}: the cell options and the nonlinearity. */
export interface RNNCellOptions extends RecurrentCellOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

const CELL_KEYS: OptionKeys<RecurrentCellOptions> = { ...LAYER_KEYS, bias: true };
const RNN_CELL_KEYS: OptionKeys<RNNCellOptions> = { ...CELL_KEYS, nonlinearity: true };

// The snake_case property names are PyTorch's state-dict keys, so state dicts load unchanged.
abstract class CellBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null = null;
  bias_hh: Parameter | null = null;

  protected constructor(
    name: string,
    mode: RecurrentMode,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentCellOptions | undefined,
    keys: OptionKeys<RecurrentCellOptions> = CELL_KEYS,
  ) {
    super();
    options = checkOptions(name, options, keys);
    this.inputSize = requireInt(name, 'inputSize', inputSize);
    this.hiddenSize = requireInt(name, 'hiddenSize', hiddenSize);
    const dtype = requireFloatDtype(name, options.dtype ?? 'float32');
    const rows = GATES[mode] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const make = (shape: number[]) => {
      const p = new Parameter(zeros(shape, { dtype }));
      uniform(p, -bound, bound, { generator: options.generator });
      return p;
    };
    this.weight_ih = make([rows, inputSize]);
    this.weight_hh = make([rows, hiddenSize]);
    if (options.bias ?? true) {
      this.bias_ih = make([rows]);
      this.bias_hh = make([rows]);
    }
  }

  /** The cell's weights for the functional forms. */
  protected weights(): RecurrentWeights {
    return { weightIh: this.weight_ih, weightHh: this.weight_hh, biasIh: this.bias_ih, biasHh: this.bias_hh };
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=false'}`;
  }
}

/** One Elman RNN step: `call(x, h?)` → h′ = tanh (or relu) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh. */
export class RNNCell extends CellBase<[input: Tensor, h?: Tensor | null], Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions) {
    const nonlinearity = checkOptions('RNNCell', options, RNN_CELL_KEYS).nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new TapegradError(
        'RNNCell',
        `nonlinearity must be 'tanh' or 'relu', got '${String(nonlinearity)}'.`,
      );
    }
    super(
      'RNNCell',
      nonlinearity === 'relu' ? 'rnnRelu' : 'rnnTanh',
      inputSize,
      hiddenSize,
      options,
      RNN_CELL_KEYS,
    );
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, h?: Tensor | null): Tensor {
    return rnnCell(
      layerInput('RNNCell', input, this.weight_ih.dtype),
      h ?? null,
      this.weights(),
      this.nonlinearity,
      'RNNCell',
    );
  }
}

/** One LSTM step: `call(x, [h, c]?)` → `[h′, c′]` (gates input, forget, cell, output). */
export class LSTMCell extends CellBase<
  [input: Tensor, state?: readonly [Tensor, Tensor] | null],
  [Tensor, Tensor]
> {
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentCellOptions) {
    super('LSTMCell', 'lstm', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    return lstmCell(
      layerInput('LSTMCell', input, this.weight_ih.dtype),
      state ?? null,
      this.weights(),
      'LSTMCell',
    );
  }
}

/** One GRU step: `call(x, h?)` → h′ (gates reset, update, new). */
export class GRUCell extends CellBase<[input: Tensor, h?: Tensor | null], Tensor> {
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentCellOptions) {
    super('GRUCell', 'gru', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, h?: Tensor | null): Tensor {
    return gruCell(layerInput('GRUCell', input, this.weight_ih.dtype), h ?? null, this.weights(), 'GRUCell');
  }
}
