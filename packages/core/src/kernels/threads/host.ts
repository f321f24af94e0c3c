/**
 * What the host offers for kernel threads, found without importing anything: Node's
 * `worker_threads` through `process.getBuiltinModule` (Node ≥ 20.16), or Web Workers inside a
 * worker of a cross-origin-isolated page. A browser's main thread cannot block on a worker
 * (`Atomics.wait` throws there), so it runs kernels on itself alone.
 */
import { claimTasks, LAYOUT, runTask, type WorkerStart, workerLoop } from './protocol.js';

/** A started worker thread. */
export interface ThreadHandle {
  terminate(): void;
}

/** Starts one worker on the kernels' module and shared memory; `onError` hears if it fails. */
export type Spawn = (start: WorkerStart, onError: () => void) => ThreadHandle;

interface NodeWorker extends ThreadHandle {
  unref(): void;
  on(event: 'error', listener: () => void): void;
}
interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}
interface WebWorker extends ThreadHandle {
  postMessage(message: unknown): void;
  onerror: (() => void) | null;
}
interface HostGlobals {
  process?: NodeProcess;
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL(blob: object): string };
  WorkerGlobalScope?: unknown;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}
const g = globalThis as HostGlobals;

/**
 * The source of a worker: the protocol's functions as text (they close over nothing), started
 * from Node's `workerData` or from the first message a Web Worker receives.
 */
function workerSource(): string {
  return `"use strict";
const L = ${JSON.stringify(LAYOUT)};
const runTask = ${runTask.toString()};
const claimTasks = ${claimTasks.toString()};
const workerLoop = ${workerLoop.toString()};
const instantiate = (s) => new WebAssembly.Instance(s.module, { env: { memory: s.memory } }).exports;
if (typeof require === "function") {
  workerLoop(L, require("node:worker_threads").workerData, instantiate, claimTasks, runTask);
} else {
  self.onmessage = (m) => { workerLoop(L, m.data, instantiate, claimTasks, runTask); self.close(); };
}
`;
}

function nodeSpawn(): Spawn | null {
  const threads = g.process?.getBuiltinModule?.('node:worker_threads') as
    | { Worker: new (src: string, o: { eval: true; workerData: WorkerStart }) => NodeWorker }
    | undefined;
  if (!threads) return null;
  const source = workerSource();
  return (start, onError) => {
    const w = new threads.Worker(source, { eval: true, workerData: start });
    w.unref(); // idle kernel threads never keep the process alive
    w.on('error', onError);
    return w;
  };
}

function webSpawn(): Spawn | null {
  const { Worker, Blob, URL } = g;
  if (!Worker || !Blob || !URL || g.WorkerGlobalScope === undefined || g.crossOriginIsolated !== true)
    return null;
  const url = URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
  return (start, onError) => {
    const w = new Worker(url);
    w.onerror = onError;
    w.postMessage(start);
    return w;
  };
}

let spawn: Spawn | null | undefined;

/** How to start a kernel thread here, or null where threads cannot be used. */
export function hostSpawn(): Spawn | null {
  if (spawn === undefined) spawn = nodeSpawn() ?? webSpawn();
  return spawn;
}

let cores: number | undefined;

/** Logical cores the host reports (1 if it does not say), asked once: the answer is a system call. */
export function hostCores(): number {
  if (cores === undefined) {
    const os = g.process?.getBuiltinModule?.('node:os') as
      | { availableParallelism?: () => number }
      | undefined;
    cores = Math.max(1, Math.floor(os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1));
  }
  return cores;
}
