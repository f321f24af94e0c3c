/**
 * Epoch workloads (W3, W7): each system's epoch runs in a child process of its own, the systems
 * alternating (A B A B …), so peak resident memory (the child's maxRSS) is that system's alone.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, type System, tableRow } from './harness.js';

/** What one child reports: the epoch's training time, test accuracy and the process's peak RSS. */
export interface EpochResult {
  seconds: number;
  accuracy: number;
  rssMB: number;
}

const CHILD = fileURLToPath(new URL('./epoch-child.ts', import.meta.url));

/** Runs one system's epoch of `workload` in a fresh Node process (through tsx, as this one). */
export function runChild(workload: string, system: System): EpochResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, workload, system], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as EpochResult;
}

/** Alternates `reps` children per system and formats the row: median time, its accuracy, peak RSS. */
export function epochRow(name: string, workload: string, systems: readonly System[], reps: number): string {
  const runs = new Map<System, EpochResult[]>(systems.map((s) => [s, []]));
  for (let r = 0; r < reps; r++) for (const s of systems) runs.get(s)!.push(runChild(workload, s));
  const results: Partial<Record<System, EpochResult>> = {};
  for (const [s, list] of runs) {
    const t = median(list.map((x) => x.seconds));
    const nearest = list.reduce((a, b) => (Math.abs(b.seconds - t) < Math.abs(a.seconds - t) ? b : a));
    results[s] = { seconds: t, accuracy: nearest.accuracy, rssMB: Math.max(...list.map((x) => x.rssMB)) };
  }
  return tableRow(
    name,
    results,
    (r) => r.seconds,
    (r) => `${r.seconds.toFixed(2)} s, ${(100 * r.accuracy).toFixed(2)} %, ${r.rssMB.toFixed(0)} MB`,
  );
}

/** Repetitions of an epoch workload: `BENCH_EPOCH_REPS` if set, else the workload's default. */
export const epochReps = (fallback: number): number => Number(process.env.BENCH_EPOCH_REPS ?? fallback);
