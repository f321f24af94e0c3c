// Writes src/kernels/wasm/elementwise-f32.wat: the float32 SIMD kernels for elementwise ops,
// reductions and softmax. Each op is one vector expression (wat/elementwise.mjs, wat/math.mjs),
// wrapped in loops written once (wat/emit.mjs). build-wasm.mjs runs this, then assembles the text:
// pnpm --filter @tapegrad/core build:wasm
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { elementwiseModule } from './wat/module.mjs';

/** The generated module text. */
export const ELEMENTWISE_WAT = elementwiseModule();

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(
    fileURLToPath(new URL('../src/kernels/wasm/elementwise-f32.wat', import.meta.url)),
    ELEMENTWISE_WAT,
  );
}
