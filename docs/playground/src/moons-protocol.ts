/** The messages between the moons page and its training worker. */

/** Page → worker. */
export type ToWorker =
  /** New data set and network (all training state is dropped). */
  | { type: 'reset'; hidden: number; lr: number; seed: number }
  /** Train until paused. */
  | { type: 'run' }
  | { type: 'pause' }
  /** Change the learning rate of the running optimizer. */
  | { type: 'lr'; lr: number };

/** The region of the plane the boundary is drawn over, and its resolution. */
export const VIEW = { x0: -1.6, x1: 2.6, y0: -1.1, y1: 1.6, cells: 60 } as const;

/** Worker → page. */
export type FromWorker =
  /** The training points (after a reset). */
  | { type: 'data'; points: number[][]; labels: number[] }
  /**
   * Progress after `step` steps: the loss of each step since the last message, the training
   * accuracy, and the network's probability of class 1 at each cell of {@link VIEW}, row by row.
   */
  | { type: 'progress'; step: number; losses: number[]; accuracy: number; grid: Float32Array }
  | { type: 'error'; message: string };
