/**
 * Validation of an optimizer state dict before it is loaded: state dicts come from files, and a
 * file may be truncated, edited or hostile. Nothing here mutates the optimizer; it returns what
 * to install, or throws naming the first problem.
 */
import { fmtShape, type OptionKeys, TapegradError, Tensor } from '@tapegrad/core';
import { isTensorJSON, tensorFromJSON } from '../parameter.js';
import { refusePrototypeKey } from '../util.js';
import type { OptimizerState, OptimizerStateDict } from './optimizer.js';

/** What `loadStateDict` installs: each group's options, and each parameter's state. */
export interface LoadedOptimizerState {
  groups: Record<string, unknown>[];
  state: Map<Tensor, OptimizerState>;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks `sd` against an optimizer named `name` with parameter groups `groups` and option names
 * `keys`, and converts it: group options copied key by key (known keys only), state tensors
 * rebuilt in their parameter's dtype with their shape checked.
 */
export function loadOptimizerState(
  name: string,
  sd: OptimizerStateDict,
  groups: readonly { params: readonly Tensor[] }[],
  keys: OptionKeys<object>,
): LoadedOptimizerState {
  const op = `${name}.loadStateDict`;
  if (!isRecord(sd) || !Array.isArray(sd.paramGroups) || !isRecord(sd.state)) {
    throw new TapegradError(
      op,
      `expected { state, paramGroups } as optimizer.stateDict() returns it, got ${sd === null ? 'null' : Array.isArray(sd) ? 'an array' : typeof sd}.`,
    );
  }
  if (sd.paramGroups.length !== groups.length) {
    throw new TapegradError(
      op,
      `the state dict has ${sd.paramGroups.length} parameter groups, this optimizer has ${groups.length}.`,
    );
  }
  const loadedGroups = sd.paramGroups.map((g, i) => groupOptions(op, g, i, groups[i]!.params.length, keys));
  const all = groups.flatMap((g) => g.params);
  const state = new Map<Tensor, OptimizerState>();
  for (const [key, entry] of Object.entries(sd.state)) {
    refusePrototypeKey(op, key, 'state');
    const p = /^(0|[1-9]\d*)$/.test(key) ? all[Number(key)] : undefined;
    if (p === undefined) {
      throw new TapegradError(
        op,
        `state refers to parameter '${key}', which does not exist (there are ${all.length}).`,
      );
    }
    state.set(p, parameterState(op, key, entry, p));
  }
  return { groups: loadedGroups, state };
}

/** One group's options from the state dict: known option names only, `params` counted. */
function groupOptions(
  op: string,
  g: unknown,
  i: number,
  count: number,
  keys: OptionKeys<object>,
): Record<string, unknown> {
  if (!isRecord(g)) throw new TapegradError(op, `parameter group ${i} must be an object, got ${typeof g}.`);
  const n = Array.isArray(g.params) ? g.params.length : -1;
  if (n !== count) {
    throw new TapegradError(op, `group ${i} has ${n} parameters in the state dict but ${count} here.`);
  }
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(g)) {
    refusePrototypeKey(op, k, `parameter group ${i}`);
    if (k === 'params') continue;
    if (!Object.hasOwn(keys, k)) {
      throw new TapegradError(
        op,
        `parameter group ${i} has an unknown option '${k}'; this optimizer takes ${Object.keys(keys).join(', ')}.`,
      );
    }
    options[k] = Array.isArray(v) ? [...v] : v;
  }
  return options;
}

/** One parameter's state: numbers as they are, tensors rebuilt and checked against `p`'s shape. */
function parameterState(op: string, key: string, entry: unknown, p: Tensor): OptimizerState {
  if (!isRecord(entry))
    throw new TapegradError(op, `state of parameter ${key} must be an object, got ${typeof entry}.`);
  const s: OptimizerState = {};
  for (const [k, v] of Object.entries(entry)) {
    refusePrototypeKey(op, k, `state of parameter ${key}`);
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new TapegradError(op, `state '${k}' of parameter ${key} is ${v}; it must be finite.`);
      s[k] = v;
      continue;
    }
    const t = v instanceof Tensor ? v.clone().detach() : isTensorJSON(v) ? tensorFromJSON(v, op) : null;
    if (t === null) {
      throw new TapegradError(
        op,
        `state '${k}' of parameter ${key} must be a number or a tensor, got ${v === null ? 'null' : typeof v}.`,
      );
    }
    if (fmtShape(t.shape) !== fmtShape(p.shape)) {
      throw new TapegradError(
        op,
        `state '${k}' of parameter ${key} has shape ${fmtShape(t.shape)}, the parameter has ${fmtShape(p.shape)}.`,
      );
    }
    s[k] = t.to(p.dtype);
  }
  return s;
}
