/**
 * The systems under test and how each peer library is loaded. Peers load on first use, so a
 * child process that measures one system (the epoch workloads) holds only that system in memory.
 */
import { createRequire } from 'node:module';

/** A system under test: tapegrad, jax-js on its wasm device, or TensorFlow.js on one backend. */
export type System = 'tapegrad' | 'jax-js' | 'tfjs-wasm' | 'tfjs-cpu';

/** TensorFlow.js's module type. */
export type Tfjs = typeof import('@tensorflow/tfjs');
/** jax-js's module type. */
export type Jax = typeof import('@jax-js/jax');

let tfModule: Tfjs | undefined;
let jaxModule: Jax | undefined;

/**
 * TensorFlow.js through its CommonJS bundle, which registers every kernel and gradient (its ES
 * build imports directories, which Node's ES loader rejects); the wasm backend registers itself
 * with the same instance.
 */
export function tfjs(): Tfjs {
  if (!tfModule) {
    const require = createRequire(import.meta.url);
    tfModule = require('@tensorflow/tfjs') as Tfjs;
    require('@tensorflow/tfjs-backend-wasm');
  }
  return tfModule;
}

/** jax-js with its wasm device started and made the default. */
export async function jax(): Promise<Jax> {
  if (!jaxModule) {
    const mod = await import('@jax-js/jax');
    await mod.init('wasm');
    mod.defaultDevice('wasm');
    jaxModule = mod;
  }
  return jaxModule;
}

/** Makes a system current: TF.js switches backend (its kernels are registered per backend). */
export async function usePeer(system: System): Promise<void> {
  if (system === 'tfjs-cpu' || system === 'tfjs-wasm') {
    const tf = tfjs();
    const backend = system === 'tfjs-cpu' ? 'cpu' : 'wasm';
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    await tf.ready();
  }
  if (system === 'jax-js') await jax();
}
