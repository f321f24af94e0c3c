/**
 * float32 matrix product through the WebAssembly SIMD kernel of `gemm-f32.wat`. Returns false
 * where WebAssembly or its SIMD instructions are unavailable, and the caller uses the JS kernel.
 */
import { packPanels } from '../pack.js';
import { BYTES_BASE64 } from './gemm-f32.generated.js';

// The WebAssembly and atob globals are typed here rather than through lib.dom, which the core's
// browser-and-Node build does not include.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface GemmExports {
  memory: WasmMemory;
  gemm(pa: number, pb: number, pc: number, mp: number, np: number, k: number): void;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: GemmExports };
}
// Through unknown: with the DOM library loaded, globalThis has its own (wider) WebAssembly type.
const host = globalThis as unknown as { WebAssembly?: WasmApi; atob?: (s: string) => string };

let kernel: GemmExports | null | undefined;

function load(): GemmExports | null {
  const wasm = host.WebAssembly;
  if (!wasm || !host.atob) return null;
  const text = host.atob(BYTES_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  if (!wasm.validate(bytes)) return null; // no SIMD support
  return new wasm.Instance(new wasm.Module(bytes), {}).exports;
}

type Arr = Float32Array | Float64Array;

/** `C = op(A) · op(B)` as in `kernels/matmul.ts`, for float32 data; false if it could not run. */
export function gemmF32(
  a: Arr,
  aOff: number,
  b: Arr,
  bOff: number,
  c: Arr,
  cOff: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): boolean {
  if (kernel === undefined) kernel = load();
  if (kernel === null) return false;
  const mp = (m + 3) >> 2;
  const np = (n + 7) >> 3;
  const aFloats = mp * 4 * k;
  const bFloats = np * 8 * k;
  const cFloats = mp * 4 * np * 8;
  const bytes = 4 * (aFloats + bFloats + cFloats);
  const memory = kernel.memory;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  const heap = new Float32Array(memory.buffer);
  packPanels(a, aOff, m, k, transA ? 1 : k, transA ? m : 1, 4, heap, 0);
  packPanels(b, bOff, n, k, transB ? k : 1, transB ? 1 : n, 8, heap, aFloats);
  kernel.gemm(0, 4 * aFloats, 4 * (aFloats + bFloats), mp, np, k);
  const ldc = np * 8;
  const cBase = aFloats + bFloats;
  for (let i = 0; i < m; i++) {
    const src = cBase + i * ldc;
    c.set(heap.subarray(src, src + n), cOff + i * n);
  }
  return true;
}
