import { Generator } from './kernels/random.js';

export { Generator };

let defaultGenerator = new Generator(0);

/** The stream used when no `generator` is passed. */
export const getDefaultGenerator = (): Generator => defaultGenerator;

/** Reseeds the default stream, so runs repeat exactly (as `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  defaultGenerator = new Generator(seed);
  return defaultGenerator;
}
