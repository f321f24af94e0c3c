/**
 * The kernel thread pool: worker threads that run matmul and convolution tiles on the shared
 * WebAssembly memory beside the calling thread, started on the first product big enough to use
 * them. Until they are up (and wherever threads are unavailable) the caller runs every tile
 * itself; the tiles and their summation order are the same either way, so results are identical.
 */
import { TapegradError } from '../../errors.js';
import { CONTROL_BYTES, type Runtime, wasmRuntime } from '../wasm/runtime.js';
import { hostCores, hostSpawn, type ThreadHandle } from './host.js';
import { claimTasks, LAYOUT, runTask } from './protocol.js';

/** Default cap on threads: beyond a few cores these small kernels stop scaling. */
const MAX_DEFAULT_THREADS = 8;

let requested: number | undefined;
/** Set when a worker failed to start or crashed: kernels then stay on the calling thread. */
let failed = false;
/** Tasks run since the counters were last zeroed, and how many of them the calling thread ran (for tests). */
export const taskCounts = { tasks: 0, byCaller: 0 };
let workers: ThreadHandle[] = [];
let ctl: Int32Array | null = null;

/** Whether kernels can run on several threads here: a shared memory and a way to start workers. */
function available(rt: Runtime | null): boolean {
  return !failed && rt?.shared === true && hostSpawn() !== null;
}

/**
 * Sets how many threads run matmul and convolution kernels: the calling thread plus `n − 1`
 * workers. `setNumThreads(1)` keeps everything on the calling thread. Results do not depend on
 * the number: every output element is summed in the same order whichever thread computes it.
 *
 * Where threads are unavailable (no `SharedArrayBuffer`, a page that is not cross-origin
 * isolated, a browser's main thread, Node older than 20.16, or after a worker failed to start)
 * the setting is kept but kernels run on one thread.
 *
 * @param n - an integer ≥ 1.
 * @throws TapegradError if `n` is not a positive integer.
 * @example
 * ```ts
 * import { setNumThreads, getNumThreads } from '@tapegrad/core';
 * setNumThreads(1);        // deterministic timing on a shared machine
 * getNumThreads();         // 1
 * ```
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new TapegradError('setNumThreads', `the number of threads must be an integer ≥ 1, got ${n}.`);
  }
  requested = n;
  if (workers.length > n - 1) stopWorkers();
}

/**
 * The number of threads matmul and convolution kernels use. By default threads are on: one per
 * logical core the host reports (`os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in a browser worker), at most 8, because the matrix products
 * of training split into enough independent tiles to keep that many busy and the calling thread
 * works too. Where threads are unavailable it is 1 whatever was set (see {@link setNumThreads}).
 */
export function getNumThreads(): number {
  return threadCount(wasmRuntime());
}

function threadCount(rt: Runtime | null): number {
  if (!available(rt)) return 1;
  return requested ?? Math.min(MAX_DEFAULT_THREADS, hostCores());
}

function stopWorkers(): void {
  if (ctl !== null && workers.length > 0) post(ctl, LAYOUT.STOP, [], 0);
  for (const w of workers) w.terminate();
  workers = [];
}

/** Publishes a job of `tasks` tasks; returns its end id. */
function post(c: Int32Array, kind: number, args: readonly number[], tasks: number): number {
  const base = Atomics.load(c, LAYOUT.NEXT);
  Atomics.add(c, LAYOUT.GEN, 1); // odd: a job is being written
  Atomics.store(c, LAYOUT.KIND, kind);
  Atomics.store(c, LAYOUT.BASE, base);
  Atomics.store(c, LAYOUT.END, base + tasks);
  for (let i = 0; i < LAYOUT.NARGS; i++) Atomics.store(c, LAYOUT.ARGS + i, args[i] ?? 0);
  Atomics.add(c, LAYOUT.GEN, 1);
  if (Atomics.load(c, LAYOUT.SLEEPERS) > 0) Atomics.notify(c, LAYOUT.GEN);
  return base + tasks;
}

/** Starts workers up to the wanted count; returns the control words, or null for one thread. */
function ensureWorkers(rt: Runtime): Int32Array | null {
  const want = threadCount(rt) - 1;
  if (want <= 0) return null;
  if (ctl === null) ctl = new Int32Array(rt.memory.buffer, 0, CONTROL_BYTES / 4);
  const spawn = hostSpawn()!;
  const onError = () => {
    failed = true;
    stopWorkers();
  };
  while (workers.length < want) workers.push(spawn({ module: rt.module, memory: rt.memory }, onError));
  return ctl;
}

/**
 * Runs tasks `0 … tasks − 1` of a job (see `protocol.ts`), on the pool and the calling thread
 * when `threaded` (small jobs should not be: waking a worker costs tens of microseconds), and
 * returns when all are done.
 */
export function parallel(
  rt: Runtime,
  kind: number,
  args: readonly number[],
  tasks: number,
  threaded: boolean,
): void {
  const c = threaded && tasks > 1 ? ensureWorkers(rt) : null;
  const argv = Int32Array.from(args);
  taskCounts.tasks += tasks;
  if (c === null) {
    taskCounts.byCaller += tasks;
    for (let t = 0; t < tasks; t++) runTask(rt.exports, kind, argv, t);
    return;
  }
  const base = Atomics.load(c, LAYOUT.NEXT);
  const end = post(c, kind, args, tasks);
  taskCounts.byCaller += claimTasks(LAYOUT, c, rt.exports, kind, argv, base, end, runTask);
  waitUntilDone(c, end);
}

/** Polls, then sleeps, until the job's last task is done (see `LAYOUT.WAITING`). */
function waitUntilDone(c: Int32Array, end: number): void {
  for (;;) {
    let done = Atomics.load(c, LAYOUT.DONE);
    for (let i = 0; done < end && i < LAYOUT.SPIN; i++) done = Atomics.load(c, LAYOUT.DONE);
    if (done >= end) return;
    Atomics.store(c, LAYOUT.WAITING, 1);
    done = Atomics.load(c, LAYOUT.DONE);
    if (done < end) Atomics.wait(c, LAYOUT.DONE, done);
    Atomics.store(c, LAYOUT.WAITING, 0);
  }
}
