import type { Generator, OptionKeys } from '@tapegrad/core';

/** Options every layer with weights accepts. */
export interface LayerOptions {
  /** Parameter dtype: `float32` (default) or `float64`. */
  dtype?: 'float32' | 'float64';
  /** The stream used to initialize the weights; the default stream otherwise. */
  generator?: Generator;
}

/** The keys of {@link LayerOptions}, spread into each layer's own key list. */
export const LAYER_KEYS: OptionKeys<LayerOptions> = { dtype: true, generator: true };
