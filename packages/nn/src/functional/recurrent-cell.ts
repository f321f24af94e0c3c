/**
 * One time step of the Elman RNN, LSTM and GRU, with PyTorch's equations and gate order. Every
 * step takes the input already projected, `xp = x·W_ihᵀ + b_ih`, so a sequence projects all its
 * time steps with one matrix product.
 */
import {
  checkOptions,
  type OptionKeys,
  optionalTensor,
  requireTensor,
  TapegradError,
  type Tensor,
  zeros,
} from '@tapegrad/core';
import { fmtShape } from '../util.js';
import { linear } from './linear.js';

/** The weights of one recurrent layer (one direction) or cell, in PyTorch's layouts. */
export interface RecurrentWeights {
  /** `[G·H, I]`: the gate blocks stacked (G = 1 RNN, 4 LSTM: i, f, g, o; 3 GRU: r, z, n). */
  weightIh: Tensor;
  /** `[G·H, H]`. */
  weightHh: Tensor;
  biasIh?: Tensor | null;
  biasHh?: Tensor | null;
}

const WEIGHT_KEYS: OptionKeys<RecurrentWeights> = {
  weightIh: true,
  weightHh: true,
  biasIh: true,
  biasHh: true,
};

/** Checks that `w` is a {@link RecurrentWeights} object: known keys, tensors where tensors belong. */
export function requireWeights(op: string, w: RecurrentWeights): RecurrentWeights {
  checkOptions(op, w ?? ({} as RecurrentWeights), WEIGHT_KEYS);
  requireTensor(op, 'weightIh', w?.weightIh);
  requireTensor(op, 'weightHh', w.weightHh);
  optionalTensor(op, 'biasIh', w.biasIh);
  optionalTensor(op, 'biasHh', w.biasHh);
  if (w.weightIh.ndim !== 2 || w.weightHh.ndim !== 2) {
    throw new TapegradError(
      op,
      `weightIh and weightHh must be 2-D, got ${fmtShape(w.weightIh.shape)} and ${fmtShape(w.weightHh.shape)}.`,
    );
  }
  return w;
}

/** Which recurrence: Elman with tanh or relu, LSTM or GRU. */
export type RecurrentMode = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';

/** Gate blocks per mode. */
export const GATES: Record<RecurrentMode, number> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/** Block `k` of `count` equal blocks of the last axis (a gate of the stacked gates). */
export function chunk(t: Tensor, count: number, k: number): Tensor {
  const n = t.shape[t.ndim - 1]! / count;
  const spec: ([number, number] | null)[] = t.shape.map(() => null);
  spec[t.ndim - 1] = [k * n, (k + 1) * n];
  return t.slice(spec);
}

/** The recurrent state: `h`, and `c` for the LSTM. */
export interface RecurrentState {
  h: Tensor;
  c?: Tensor;
}

/**
 * One step from the projected input `xp` (`[B, G·H]`) and the state (`[B, H]`):
 * - RNN: h′ = act(xp + h·W_hhᵀ + b_hh);
 * - LSTM: i, f, g, o = σ, σ, tanh, σ of the gate blocks; c′ = f⊙c + i⊙g; h′ = o⊙tanh(c′);
 * - GRU: r = σ(xp_r + hp_r), z = σ(xp_z + hp_z), n = tanh(xp_n + r⊙hp_n), h′ = (1 − z)⊙n + z⊙h,
 *   with hp = h·W_hhᵀ + b_hh (the reset gate multiplies the projected state, as PyTorch).
 */
export function recurrentStep(
  mode: RecurrentMode,
  xp: Tensor,
  state: RecurrentState,
  w: RecurrentWeights,
): RecurrentState {
  const hp = linear(state.h, w.weightHh, w.biasHh ?? null);
  if (mode === 'rnnTanh') return { h: xp.add(hp).tanh() };
  if (mode === 'rnnRelu') return { h: xp.add(hp).relu() };
  if (mode === 'lstm') {
    const gates = xp.add(hp);
    const i = chunk(gates, 4, 0).sigmoid();
    const f = chunk(gates, 4, 1).sigmoid();
    const g = chunk(gates, 4, 2).tanh();
    const o = chunk(gates, 4, 3).sigmoid();
    const c = f.mul(state.c!).add(i.mul(g));
    return { h: o.mul(c.tanh()), c };
  }
  const r = chunk(xp, 3, 0)
    .add(chunk(hp, 3, 0))
    .sigmoid();
  const z = chunk(xp, 3, 1)
    .add(chunk(hp, 3, 1))
    .sigmoid();
  const n = chunk(xp, 3, 2)
    .add(r.mul(chunk(hp, 3, 2)))
    .tanh();
  return { h: n.sub(n.mul(z)).add(z.mul(state.h)) };
}

/** Checks a layer's weights against the input size `inputSize` and hidden size `hidden`, naming `op`. */
export function checkWeights(
  op: string,
  mode: RecurrentMode,
  w: RecurrentWeights,
  inputSize: number,
  hidden: number,
): void {
  requireWeights(op, w);
  const gh = GATES[mode] * hidden;
  const expect = (name: string, t: Tensor | null | undefined, shape: number[]) => {
    if (t && (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      throw new TapegradError(op, `${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}.`);
    }
  };
  expect('weightIh', w.weightIh, [gh, inputSize]);
  expect('weightHh', w.weightHh, [gh, hidden]);
  expect('biasIh', w.biasIh, [gh]);
  expect('biasHh', w.biasHh, [gh]);
}

/** Runs one cell step on unprojected input `x` (`[B, I]` or unbatched `[I]`). */
function cellStep(
  op: string,
  mode: RecurrentMode,
  x: Tensor,
  state: RecurrentState,
  w: RecurrentWeights,
): RecurrentState {
  requireTensor(op, 'the input', x);
  const hidden = w.weightHh.shape[1]!;
  if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== w.weightIh.shape[1]) {
    throw new TapegradError(
      op,
      `input must be [batch, ${w.weightIh.shape[1]}] or [${w.weightIh.shape[1]}], got shape ${fmtShape(x.shape)}.`,
    );
  }
  checkWeights(op, mode, w, x.shape[x.ndim - 1]!, hidden);
  const want = x.ndim === 2 ? [x.shape[0]!, hidden] : [hidden];
  for (const [name, t] of [
    ['h', state.h],
    ['c', state.c],
  ] as const) {
    if (t && (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i]))) {
      throw new TapegradError(
        op,
        `state ${name} must have shape ${fmtShape(want)}, got ${fmtShape(t.shape)}.`,
      );
    }
  }
  return recurrentStep(mode, linear(x, w.weightIh, w.biasIh ?? null), state, w);
}

/** Zeros shaped like the state for input `x`: `[B, H]`, or `[H]` unbatched. */
const zerosState = (x: Tensor, w: RecurrentWeights): Tensor => {
  const hidden = w.weightHh.shape[1]!;
  return zeros(x.ndim === 2 ? [x.shape[0]!, hidden] : [hidden], { dtype: w.weightHh.dtype });
};

/** One Elman RNN step: h′ = tanh (or relu) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh; `h` defaults to zeros. */
export function rnnCell(
  x: Tensor,
  h: Tensor | null,
  w: RecurrentWeights,
  nonlinearity: 'tanh' | 'relu' = 'tanh',
  op = 'rnnCell',
): Tensor {
  const mode = nonlinearity === 'relu' ? 'rnnRelu' : 'rnnTanh';
  requireWeights(op, w);
  return cellStep(op, mode, x, { h: h ?? zerosState(x, w) }, w).h;
}

/** One LSTM step; returns `[h′, c′]`. The state defaults to zeros. */
export function lstmCell(
  x: Tensor,
  state: readonly [Tensor, Tensor] | null,
  w: RecurrentWeights,
  op = 'lstmCell',
): [Tensor, Tensor] {
  requireWeights(op, w);
  const [h, c] = state ?? [zerosState(x, w), zerosState(x, w)];
  const next = cellStep(op, 'lstm', x, { h, c }, w);
  return [next.h, next.c!];
}

/** One GRU step; `h` defaults to zeros. */
export function gruCell(x: Tensor, h: Tensor | null, w: RecurrentWeights, op = 'gruCell'): Tensor {
  requireWeights(op, w);
  return cellStep(op, 'gru', x, { h: h ?? zerosState(x, w) }, w).h;
}
