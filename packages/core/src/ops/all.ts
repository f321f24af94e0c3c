/**
 * Loads every op module, so each has provided its functions to the table `Tensor`'s methods call
 * (`tensor-ops.ts`). The package's entry imports this first.
 */
import './conv.js';
import './conv-transpose.js';
import './conv1d.js';
import './elementwise.js';
import './inplace.js';
import './matmul.js';
import './nn.js';
import './pool.js';
import './reduce.js';
import './scan.js';
import './shape.js';
import './shape-core.js';
import './sort.js';
import './transpose.js';
import './unbind.js';
