/**
 * Instantiates an embedded WebAssembly module (bytes as base64) synchronously, or returns null
 * where WebAssembly or its SIMD instructions are unavailable, so callers fall back to JavaScript.
 */

// The WebAssembly and atob globals are typed here rather than through lib.dom, which the core's
// browser-and-Node build does not include.
/** A WebAssembly.Memory, as far as the kernels use it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const host = globalThis as { WebAssembly?: WasmApi; atob?: (s: string) => string };

/** The exports of the module in `base64`, or null if this host cannot run it. */
export function instantiate(base64: string): object | null {
  const wasm = host.WebAssembly;
  if (!wasm || !host.atob) return null;
  const text = host.atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  if (!wasm.validate(bytes)) return null; // no SIMD support
  return new wasm.Instance(new wasm.Module(bytes), {}).exports;
}
