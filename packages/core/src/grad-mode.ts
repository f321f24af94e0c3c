import { requireFunction } from './errors.js';

let gradEnabled = true;
let anomalyEnabled = false;

/** Whether ops currently record onto the tape (false inside `noGrad`). */
export const isGradEnabled = (): boolean => gradEnabled;

/** Whether `detectAnomaly` is active: ops remember where they were created and check for NaN/Inf. */
export const isAnomalyEnabled = (): boolean => anomalyEnabled;

/** Runs `fn` with recording switched on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') requireFunction(enabled ? 'enableGrad' : 'noGrad', 'the argument', fn);
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Runs `fn` without recording: results of ops inside do not require grad. Use it for parameter
 * updates and evaluation, as PyTorch's `torch.no_grad()`.
 */
export const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);

/** Runs `fn` with recording switched back on, e.g. inside a `noGrad` block. */
export const enableGrad = <T>(fn: () => T): T => withGradMode(true, fn);

/** @internal Switches anomaly detection; `detectAnomaly` in `inspect/anomaly.ts` is the public face. */
export function withAnomalyMode<T>(enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') requireFunction('detectAnomaly', 'the argument', fn);
  const previous = anomalyEnabled;
  anomalyEnabled = enabled;
  try {
    return fn();
  } finally {
    anomalyEnabled = previous;
  }
}

/** Where an op was created, for error messages under anomaly detection. */
export const creationSite = (): string | undefined => {
  if (!isAnomalyEnabled()) return undefined;
  const stack = new Error().stack?.split('\n') ?? [];
  // Drop the frames inside tapegrad itself so the user's call comes first.
  const user = stack.slice(1).filter((line) => !/[/\\](core[/\\](src|dist))[/\\]/.test(line));
  return (user.length > 0 ? user : stack.slice(1)).slice(0, 4).join('\n');
};
