/**
 * Multi-layer, optionally bidirectional recurrent networks over whole sequences: `rnn`, `lstm`
 * and `gru`, with PyTorch's shapes (`[T, B, I]`, `[B, T, I]` with `batchFirst`, or unbatched
 * `[T, I]`) and state layout (`[numLayers·directions, B, H]`).
 */
import {
  checkOptions,
  concat,
  type Generator,
  type OptionKeys,
  requireFinite,
  requireTensor,
  stack,
  TapegradError,
  type Tensor,
  zeros,
} from '@tapegrad/core';
import { fmtShape } from '../util.js';
import { dropout as dropoutFn } from './dropout.js';
import { linear } from './linear.js';
import {
  checkWeights,
  type RecurrentMode,
  type RecurrentState,
  type RecurrentWeights,
  recurrentStep,
} from './recurrent-cell.js';

/** Options of {@link rnn}, {@link lstm} and {@link gru}. */
export interface RecurrentOptions {
  /** Run a second direction from the end of the sequence; outputs concatenate on the feature axis. */
  bidirectional?: boolean;
  /** Input and output are `[B, T, ·]` instead of `[T, B, ·]` (the state keeps batch second). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training only (default 0). */
  dropout?: number;
  /** Training mode: whether `dropout` applies (default true, as a functional call). */
  training?: boolean;
  /** The stream of the dropout masks; the default stream otherwise. */
  generator?: Generator;
  /** Names the caller in errors. */
  op?: string;
}

/** Options of {@link rnn}: the recurrent options and the nonlinearity. */
export interface RnnOptions extends RecurrentOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

const RECURRENT_KEYS: OptionKeys<RecurrentOptions> = {
  bidirectional: true,
  batchFirst: true,
  dropout: true,
  training: true,
  generator: true,
  op: true,
};
const RNN_KEYS: OptionKeys<RnnOptions> = { ...RECURRENT_KEYS, nonlinearity: true };

interface Layout {
  layers: number;
  directions: number;
  hidden: number;
  unbatched: boolean;
}

function layoutOf(
  op: string,
  input: Tensor,
  weights: readonly RecurrentWeights[],
  options: RecurrentOptions,
): Layout {
  const directions = options.bidirectional ? 2 : 1;
  if (weights.length === 0 || weights.length % directions !== 0) {
    throw new TapegradError(
      op,
      `needs one set of weights per layer and direction, got ${weights.length} for ${directions} direction(s).`,
    );
  }
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new TapegradError(
      op,
      `input must be [T, B, I]${options.batchFirst ? ' (batchFirst: [B, T, I])' : ''} or unbatched [T, I], got shape ${fmtShape(input.shape)}.`,
    );
  }
  const unbatched = input.ndim === 2;
  if (input.shape[unbatched || !options.batchFirst ? 0 : 1] === 0)
    throw new TapegradError(op, 'the sequence is empty.');
  return {
    layers: weights.length / directions,
    directions,
    hidden: weights[0]!.weightHh.shape[1]!,
    unbatched,
  };
}

/** The initial state as `[L·D, B, H]`: the given one (checked) or zeros. */
function initialState(
  op: string,
  name: string,
  given: Tensor | null | undefined,
  lay: Layout,
  batch: number,
  like: Tensor,
): Tensor {
  const want = [lay.layers * lay.directions, batch, lay.hidden];
  if (!given) return zeros(want, { dtype: like.dtype === 'float64' ? 'float64' : 'float32' });
  const t = lay.unbatched && given.ndim === 2 ? given.unsqueeze(1) : given;
  if (t.ndim !== 3 || t.shape.some((d, i) => d !== want[i])) {
    const shown = lay.unbatched ? [want[0]!, want[2]!] : want;
    throw new TapegradError(op, `${name} must have shape ${fmtShape(shown)}, got ${fmtShape(given.shape)}.`);
  }
  return t;
}

/** One direction of one layer over `[T, B, I]`: the outputs `[T, B, H]` and the final state. */
function runDirection(
  mode: RecurrentMode,
  x: Tensor,
  state: RecurrentState,
  w: RecurrentWeights,
  reverse: boolean,
): { output: Tensor; state: RecurrentState } {
  const steps = x.shape[0]!;
  // all time steps projected by one matrix product, then split (unbind keeps backward linear in T)
  const xp = linear(x, w.weightIh, w.biasIh ?? null).unbind(0);
  const outs: Tensor[] = new Array(steps);
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    state = recurrentStep(mode, xp[t]!, state, w);
    outs[t] = state.h;
  }
  return { output: stack(outs, 0), state };
}

/** The shared body of rnn, lstm and gru: returns the output and the final `h` (and `c`). */
export function runRecurrent(
  mode: RecurrentMode,
  input: Tensor,
  hx: { h?: Tensor | null; c?: Tensor | null },
  weights: readonly RecurrentWeights[],
  options: RecurrentOptions,
): { output: Tensor; h: Tensor; c: Tensor | null } {
  const op = options.op ?? mode;
  requireTensor(op, 'the input', input);
  if (!Array.isArray(weights)) {
    throw new TapegradError(
      op,
      `weights must be an array of { weightIh, weightHh, biasIh, biasHh } objects, one per layer and direction.`,
    );
  }
  requireFinite(op, 'dropout', options.dropout ?? 0, 0, 1);
  const lay = layoutOf(op, input, weights, options);
  let x = lay.unbatched ? input.unsqueeze(1) : options.batchFirst ? input.transpose(0, 1) : input;
  const batch = x.shape[1]!;
  const h0 = initialState(op, 'h0', hx.h, lay, batch, x);
  const c0 = mode === 'lstm' ? initialState(op, 'c0', hx.c, lay, batch, x) : null;
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let l = 0; l < lay.layers; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < lay.directions; d++) {
      const k = l * lay.directions + d;
      const w = weights[k]!;
      checkWeights(`${op} layer ${l}${d === 1 ? ' (reverse)' : ''}`, mode, w, x.shape[2]!, lay.hidden);
      const start: RecurrentState = { h: h0.select(0, k), ...(c0 ? { c: c0.select(0, k) } : {}) };
      const run = runDirection(mode, x, start, w, d === 1);
      outs.push(run.output);
      hs.push(run.state.h);
      if (run.state.c) cs.push(run.state.c);
    }
    x = outs.length === 1 ? outs[0]! : concat(outs, 2);
    const p = options.dropout ?? 0;
    if (p > 0 && l < lay.layers - 1)
      x = dropoutFn(x, p, { training: options.training ?? true, generator: options.generator }, op);
  }
  let h = stack(hs, 0);
  let c = c0 ? stack(cs, 0) : null;
  if (lay.unbatched) {
    x = x.squeeze(1);
    h = h.squeeze(1);
    c = c?.squeeze(1) ?? null;
  } else if (options.batchFirst) x = x.transpose(0, 1);
  return { output: x, h, c };
}

/**
 * A multi-layer Elman RNN over a sequence: returns `[output, hN]`, output `[T, B, D·H]` (the last
 * layer's `h` at every step) and hN `[L·D, B, H]`. `weights` lists each layer's weights, the
 * reverse direction after the forward one when bidirectional (PyTorch's order).
 */
export function rnn(
  input: Tensor,
  h0: Tensor | null,
  weights: readonly RecurrentWeights[],
  options?: RnnOptions,
): [Tensor, Tensor] {
  const { nonlinearity = 'tanh', ...rest } = checkOptions(options?.op ?? 'rnn', options, RNN_KEYS);
  if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
    throw new TapegradError(
      rest.op ?? 'rnn',
      `nonlinearity must be 'tanh' or 'relu', got ${JSON.stringify(nonlinearity)}.`,
    );
  }
  const mode = nonlinearity === 'relu' ? 'rnnRelu' : 'rnnTanh';
  const r = runRecurrent(mode, input, { h: h0 }, weights, { op: 'rnn', ...rest });
  return [r.output, r.h];
}

/** A multi-layer LSTM over a sequence: returns `[output, [hN, cN]]` (see {@link rnn} for shapes). */
export function lstm(
  input: Tensor,
  state: readonly [Tensor, Tensor] | null,
  weights: readonly RecurrentWeights[],
  options?: RecurrentOptions,
): [Tensor, [Tensor, Tensor]] {
  const r = runRecurrent('lstm', input, { h: state?.[0], c: state?.[1] }, weights, {
    op: 'lstm',
    ...checkOptions(options?.op ?? 'lstm', options, RECURRENT_KEYS),
  });
  return [r.output, [r.h, r.c!]];
}

/** A multi-layer GRU over a sequence: returns `[output, hN]` (see {@link rnn} for shapes). */
export function gru(
  input: Tensor,
  h0: Tensor | null,
  weights: readonly RecurrentWeights[],
  options?: RecurrentOptions,
): [Tensor, Tensor] {
  const r = runRecurrent('gru', input, { h: h0 }, weights, {
    op: 'gru',
    ...checkOptions(options?.op ?? 'gru', options, RECURRENT_KEYS),
  });
  return [r.output, r.h];
}
