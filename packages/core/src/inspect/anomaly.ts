import { withAnomalyMode } from '../grad-mode.js';

/**
 * Runs `fn` with anomaly detection on, like PyTorch's `torch.autograd.detect_anomaly()`: every op
 * remembers where it was created, and the first op whose forward produces NaN or Infinity from
 * finite inputs — or whose backward produces a NaN or infinite gradient — throws a
 * `TapegradError` naming the op (`log`, `div`, "the backward of 'sqrt'", …) and the user code
 * that created it. Slower than normal mode (a stack trace per op); use it to hunt a NaN, not to
 * train. Returns what `fn` returns.
 *
 * @example
 * detectAnomaly(() => {
 *   const x = tensor([0], { requiresGrad: true });
 *   x.sqrt().sum().backward(); // throws: sqrt: the backward of 'sqrt' failed: div: produced ...
 * });
 */
export const detectAnomaly = <T>(fn: () => T): T => withAnomalyMode(true, fn);
