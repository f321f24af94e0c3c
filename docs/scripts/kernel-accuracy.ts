/**
 * Prints the float32 kernel accuracy table of docs/kernels.md (accuracy.test.ts checks the docs
 * show exactly these numbers). Run from the repository root:
 *   npx tsx docs/scripts/kernel-accuracy.ts
 */
import { accuracyTable } from '../../packages/core/test/kernels/accuracy.js';

for (const line of accuracyTable()) console.log(line);
