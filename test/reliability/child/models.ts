/** The two state files the kill-during-save test alternates between (deterministic from `which`). */
import { manualSeed } from '@tapegrad/core';
import { Linear, ReLU, Sequential, type StateFileContents } from '@tapegrad/nn';

/** A `width × width` two-layer MLP's state dict, initialized from seed `which + 1`, with metadata. */
export function killTestContents(which: number, width: number): StateFileContents {
  manualSeed(which + 1);
  const model = new Sequential(new Linear(width, width), new ReLU(), new Linear(width, width));
  return { model: model.stateDict(), metadata: { which } };
}
