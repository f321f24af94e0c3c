/**
 * Side-by-side timing: every system runs the same workload in one process, in alternating order
 * (A B C A B C …) because this machine's absolute speed drifts, and we report medians and ratios.
 */
import { createRequire } from 'node:module';

// TF.js's CommonJS bundle registers every kernel and gradient (its ES build imports directories,
// which Node's ES loader rejects); the wasm backend registers itself with the same instance.
const require = createRequire(import.meta.url);
const tf: typeof import('@tensorflow/tfjs') = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');

/** A system under test: tapegrad, or TensorFlow.js on one of its backends. */
export type System = 'tapegrad' | 'tfjs-cpu' | 'tfjs-wasm';

/** Prepares a workload for one system and returns one timed repetition. */
export type Setup = (system: System) => Promise<() => void>;

/** Medians in milliseconds per system. */
export type Medians = Partial<Record<System, number>>;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Switches TensorFlow.js to the backend a system uses. */
export async function useBackend(system: System): Promise<void> {
  if (system === 'tfjs-cpu') await tf.setBackend('cpu');
  if (system === 'tfjs-wasm') await tf.setBackend('wasm');
  await tf.ready();
}

/** Runs `setup` for each system, one warm-up each, then `reps` alternating timed repetitions. */
export async function compare(systems: readonly System[], setup: Setup, reps = 5): Promise<Medians> {
  const steps = new Map<System, () => void>();
  for (const s of systems) {
    await useBackend(s);
    const step = await setup(s);
    step(); // warm-up: JIT, kernel compilation, first-touch memory
    steps.set(s, step);
  }
  const times = new Map<System, number[]>(systems.map((s) => [s, []]));
  for (let r = 0; r < reps; r++) {
    for (const s of systems) {
      await useBackend(s);
      const t0 = performance.now();
      steps.get(s)!();
      times.get(s)!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(systems.map((s) => [s, median(times.get(s)!)])) as Medians;
}

/** Formats one result row: each system's median and, for TF.js, how many times slower it is. */
export function row(name: string, medians: Medians, figure?: (ms: number) => string): string {
  const t = medians.tapegrad;
  const cell = (s: System) => {
    const ms = medians[s];
    if (ms === undefined) return '–';
    const fig = figure ? ` (${figure(ms)})` : '';
    const ratio = s !== 'tapegrad' && t !== undefined ? `, ×${(ms / t).toFixed(2)}` : '';
    return `${ms.toFixed(ms < 10 ? 3 : 1)} ms${fig}${ratio}`;
  };
  return `| ${name} | ${cell('tapegrad')} | ${cell('tfjs-cpu')} | ${cell('tfjs-wasm')} |`;
}

export { tf };
