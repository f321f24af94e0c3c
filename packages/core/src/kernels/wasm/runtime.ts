/**
 * The WebAssembly kernels' one memory and the main thread's instance of them. The memory is
 * shared (a `SharedArrayBuffer`) where the host allows it, so worker threads can run the same
 * kernels on the same data; otherwise the module's unshared build runs on one thread.
 */
import { BYTES_BASE64, UNSHARED_BYTES_BASE64 } from './gemm-f32.generated.js';

// WebAssembly and atob are typed here rather than through lib.dom, which the core's
// browser-and-Node build does not include.
/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
/** A compiled WebAssembly.Module (opaque; it can be posted to a worker). */
export type WasmModule = object;
/** The kernels' exports (gemm-f32.wat). */
export interface KernelExports {
  gemm(
    pa: number,
    pb: number,
    pc: number,
    ldc: number,
    k: number,
    kc: number,
    ip0: number,
    ip1: number,
    jp0: number,
    jp1: number,
  ): void;
  pack(src: number, rows: number, k: number, rs: number, cs: number, w: number, dst: number): void;
  /** im2col / col2im of one image; the geometry as in `kernels/conv.ts`, addresses in bytes. */
  im2col(x: number, cols: number, ld: number, ...geometry: number[]): void;
  col2im(x: number, cols: number, ld: number, ...geometry: number[]): void;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: KernelExports };
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
const host = globalThis as unknown as { WebAssembly?: WasmApi; atob?: (s: string) => string };

/** Largest memory the kernels may grow to, in 64 KiB pages (1 GiB). */
const MAX_PAGES = 16384;
/** Bytes at the start of the memory kept for the thread pool's control words. */
export const CONTROL_BYTES = 256;

/** The kernels, their memory and module (which worker threads instantiate over that memory). */
export interface Runtime {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  readonly shared: boolean;
  /** Creates another instance over the same memory (what a worker thread does). */
  readonly instantiate: (module: WasmModule, memory: WasmMemory) => KernelExports;
}

let runtime: Runtime | null | undefined;

function decode(base64: string, atob: (s: string) => string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Whether this host lets a WebAssembly memory be shared (Node, or a cross-origin-isolated page). */
function canShare(wasm: WasmApi): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    new wasm.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

function load(): Runtime | null {
  const wasm = host.WebAssembly;
  if (!wasm || !host.atob) return null;
  const shared = canShare(wasm);
  const bytes = decode(shared ? BYTES_BASE64 : UNSHARED_BYTES_BASE64, host.atob);
  if (!wasm.validate(bytes)) return null; // no SIMD support
  const module = new wasm.Module(bytes);
  const memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared });
  const instantiate = (m: WasmModule, mem: WasmMemory) =>
    new wasm.Instance(m, { env: { memory: mem } }).exports;
  return { module, memory, exports: instantiate(module, memory), shared, instantiate };
}

/** The kernels, loaded on first use; null where WebAssembly or its SIMD instructions are missing. */
export function wasmRuntime(): Runtime | null {
  if (runtime === undefined) runtime = load();
  return runtime;
}

let heapView: Float32Array | null = null;

/**
 * A float32 view of the whole memory after making it at least `bytes` long, or null if that is
 * past the kernels' limit (the caller then uses its JavaScript kernel). Growing replaces the
 * memory's buffer, so views taken before a call to this one must not be used after it.
 */
export function heapOf(rt: Runtime, bytes: number): Float32Array | null {
  const have = rt.memory.buffer.byteLength;
  if (have < bytes) {
    const pages = Math.ceil((bytes - have) / 65536);
    if (have / 65536 + pages > MAX_PAGES) return null;
    rt.memory.grow(pages);
  }
  if (heapView === null || heapView.buffer.byteLength !== rt.memory.buffer.byteLength) {
    heapView = new Float32Array(rt.memory.buffer);
  }
  return heapView;
}
