/**
 * Side-by-side timing: every system runs the same workload in one process, in alternating order
 * (A B C A B C …) because this machine's absolute speed drifts; we report medians and ratios.
 */
import { type System, usePeer } from './peers.js';

export type { System } from './peers.js';

/** Prepares a workload for one system and returns one timed repetition. */
export type Setup = (system: System) => Promise<() => void>;

/** Medians in milliseconds per system. */
export type Medians = Partial<Record<System, number>>;

/** The table's columns after the workload's name, in order. */
export const COLUMNS: readonly System[] = ['tapegrad', 'jax-js', 'tfjs-wasm', 'tfjs-cpu'];

const TITLES: Record<System, string> = {
  tapegrad: 'tapegrad',
  'jax-js': 'jax-js 0.1.25 (wasm, jit)',
  'tfjs-wasm': 'TF.js 4.22 wasm',
  'tfjs-cpu': 'TF.js 4.22 cpu',
};

/** The Markdown table's header: one column per system. */
export function header(): string[] {
  return [
    `| workload | ${COLUMNS.map((s) => TITLES[s]).join(' | ')} |`,
    `|---|${COLUMNS.map(() => '---').join('|')}|`,
  ];
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** Runs `setup` for each system, one warm-up each, then `reps` alternating timed repetitions. */
export async function compare(systems: readonly System[], setup: Setup, reps = 5): Promise<Medians> {
  const steps = new Map<System, () => void>();
  for (const s of systems) {
    await usePeer(s);
    const step = await setup(s);
    step(); // warm-up: JIT, kernel compilation, first-touch memory
    steps.set(s, step);
  }
  const times = new Map<System, number[]>(systems.map((s) => [s, []]));
  for (let r = 0; r < reps; r++) {
    for (const s of systems) {
      await usePeer(s);
      const t0 = performance.now();
      steps.get(s)!();
      times.get(s)!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(systems.map((s) => [s, median(times.get(s)!)])) as Medians;
}

const ms = (t: number) => `${t.toFixed(t < 10 ? 3 : 1)} ms`;

/**
 * One table row: each system's cell from `cell`, and for every peer the ratio peer / tapegrad
 * of `time` (×k above 1: tapegrad is k times faster).
 */
export function tableRow<T>(
  name: string,
  results: Partial<Record<System, T>>,
  time: (r: T) => number,
  cell: (r: T) => string,
): string {
  const ours = results.tapegrad;
  const cells = COLUMNS.map((s) => {
    const r = results[s];
    if (r === undefined) return '–';
    const ratio = s !== 'tapegrad' && ours !== undefined ? `, ×${(time(r) / time(ours)).toFixed(2)}` : '';
    return `${cell(r)}${ratio}`;
  });
  return `| ${name} | ${cells.join(' | ')} |`;
}

/** A row of medians in milliseconds, with an optional figure derived from the time. */
export function row(name: string, medians: Medians, figure?: (ms: number) => string): string {
  return tableRow(
    name,
    medians,
    (t) => t,
    (t) => `${ms(t)}${figure ? ` (${figure(t)})` : ''}`,
  );
}
