import type { Generator } from '@tapegrad/core';

/** Options every layer with weights accepts. */
export interface LayerOptions {
  /** Parameter dtype: `float32` (default) or `float64`. */
  dtype?: 'float32' | 'float64';
  /** The stream used to initialize the weights; the default stream otherwise. */
  generator?: Generator;
}
