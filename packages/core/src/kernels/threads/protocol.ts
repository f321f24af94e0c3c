/**
 * How the calling thread hands kernel work to the worker threads: control words at the start of
 * the shared WebAssembly memory, and the two functions every thread runs. Both functions are also
 * sent to the workers as source text, so they use nothing but their parameters and globals.
 *
 * A job is a range of task ids `[base, end)` and up to {@link LAYOUT.NARGS} integer arguments.
 * Task ids only grow, so a thread still holding an old job's snapshot cannot claim a new job's
 * task: its claim needs `next < end` of its own job. The caller writes a job between two
 * increments of the generation word (odd while writing), and readers retry a snapshot whose
 * generation changed under them. Each task writes its own part of the output, so whichever
 * thread runs it, the result is the same bits.
 */
import type { KernelExports } from '../wasm/runtime.js';

/** Indices of the control words (Int32) and the job kinds. */
export const LAYOUT = {
  /** Job generation: odd while the caller writes a job, even once it is complete. */
  GEN: 0,
  /** The next unclaimed task id. */
  NEXT: 1,
  /** How many tasks have finished, counted like the ids. */
  DONE: 2,
  BASE: 3,
  END: 4,
  KIND: 5,
  /** Workers asleep on GEN: the caller wakes them (a slow system call) only when there are some. */
  SLEEPERS: 6,
  /** 1 while the caller sleeps on DONE: the last worker to finish wakes it only then. */
  WAITING: 7,
  ARGS: 8,
  NARGS: 16,
  /** Words in use (they fit in CONTROL_BYTES). */
  WORDS: 24,
  /**
   * Polls of a control word before a thread goes to sleep on it (about 100 µs): the jobs of a
   * training step come in quick succession, and a sleeping thread costs a system call each way.
   */
  SPIN: 32768,
  /** Kind of a job that asks workers to exit. */
  STOP: 0,
  /** A matrix product cut into tiles of C (see `runTask`). */
  GEMM: 1,
  /** im2col and col2im of a batch, one image per task. */
  IM2COL: 2,
  COL2IM: 3,
} as const;

/** The control words, as the thread functions see them. */
export type Layout = typeof LAYOUT;

/**
 * Runs task `t` of a job. GEMM: args are `pa pb pc ldc k kc mp np mc nc tilesI` (byte offsets,
 * the C row stride in bytes, the depth, the k block, A and B panel counts, the tile size in
 * panels and the number of tiles down C); task `t` is the tile `(t mod tilesI, t div tilesI)`.
 * IM2COL and COL2IM: args are `x cols ld c h w kh kw sh sw ph pw oh ow imageBytes colBytes`;
 * task `t` is image `t`, at `x + t·imageBytes` and `cols + t·colBytes`.
 */
export function runTask(e: KernelExports, kind: number, args: Int32Array, t: number): void {
  if (kind === 2 || kind === 3) {
    const f = kind === 2 ? e.im2col : e.col2im;
    const a = args;
    f(
      a[0]! + t * a[14]!,
      a[1]! + t * a[15]!,
      a[2]!,
      a[3]!,
      a[4]!,
      a[5]!,
      a[6]!,
      a[7]!,
      a[8]!,
      a[9]!,
      a[10]!,
      a[11]!,
      a[12]!,
      a[13]!,
    );
    return;
  }
  if (kind === 1) {
    const tilesI = args[10]!;
    const ti = t % tilesI;
    const ip0 = ti * args[8]!;
    const jp0 = ((t - ti) / tilesI) * args[9]!;
    const ip1 = Math.min(args[6]!, ip0 + args[8]!);
    const jp1 = Math.min(args[7]!, jp0 + args[9]!);
    e.gemm(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, ip0, ip1, jp0, jp1);
  }
}

/**
 * Claims and runs the job's tasks until none is left; the thread that finishes the last one
 * wakes the caller. Returns how many tasks this thread ran.
 */
export function claimTasks(
  L: Layout,
  ctl: Int32Array,
  e: KernelExports,
  kind: number,
  args: Int32Array,
  base: number,
  end: number,
  run: typeof runTask,
): number {
  let ran = 0;
  for (;;) {
    const v = Atomics.load(ctl, L.NEXT);
    if (v >= end) return ran;
    if (Atomics.compareExchange(ctl, L.NEXT, v, v + 1) !== v) continue;
    run(e, kind, args, v - base);
    ran++;
    if (Atomics.add(ctl, L.DONE, 1) + 1 === end && Atomics.load(ctl, L.WAITING) !== 0) {
      Atomics.notify(ctl, L.DONE);
    }
  }
}

/** The data a worker starts from: the compiled kernels and the shared memory. */
export interface WorkerStart {
  module: object;
  memory: { buffer: ArrayBuffer | SharedArrayBuffer };
}

/**
 * A worker thread's life: instantiate the kernels over the shared memory, then sleep until the
 * generation word changes, take a consistent snapshot of the job and claim its tasks.
 */
export function workerLoop(
  L: Layout,
  start: WorkerStart,
  instantiate: (start: WorkerStart) => KernelExports,
  claim: typeof claimTasks,
  run: typeof runTask,
): void {
  const e = instantiate(start);
  const ctl = new Int32Array(start.memory.buffer, 0, L.WORDS);
  let seen = 0;
  for (;;) {
    let g = Atomics.load(ctl, L.GEN);
    for (let i = 0; g === seen && i < L.SPIN; i++) g = Atomics.load(ctl, L.GEN);
    if (g === seen) {
      // Announce the sleep, then sleep only if no job came meanwhile (wait returns at once then).
      Atomics.add(ctl, L.SLEEPERS, 1);
      Atomics.wait(ctl, L.GEN, seen);
      Atomics.sub(ctl, L.SLEEPERS, 1);
      continue;
    }
    if (g % 2 === 1) continue;
    const kind = Atomics.load(ctl, L.KIND);
    const base = Atomics.load(ctl, L.BASE);
    const end = Atomics.load(ctl, L.END);
    const args = ctl.slice(L.ARGS, L.ARGS + L.NARGS);
    if (Atomics.load(ctl, L.GEN) !== g) continue;
    seen = g;
    if (kind === L.STOP) return;
    claim(L, ctl, e, kind, args, base, end, run);
  }
}
