/** What the browser test's page (page.ts) reports back to the test. */
import type { SeedConfig } from '../../packages/examples/src/seed-model.js';

/** The page's answers. */
export interface PageResults {
  /** The names each package exports in the page. */
  exports: { core: string[]; nn: string[] };
  /** ∂E_total/∂parameter for the seed network built from Scalars. */
  scalarGradients: Record<string, number>;
  /** The same from float64 Tensors. */
  tensorGradients: Record<string, number>;
  /** The MLP's loss after every training step. */
  losses: number[];
}

/** The global the page defines. */
export interface PageWindow {
  tapegradChecks: (config: SeedConfig) => PageResults;
}
