/**
 * (c) The moons demo's trainer, run in a Web Worker: micrograd's two moons (100 points, noise
 * 0.1), an MLP 2 → h → h → 1 with ReLU, binary cross-entropy on the logits, full-batch Adam.
 * It trains a few steps per task, so 'pause' and 'lr' messages are handled between them.
 */
import { manualSeed, noGrad, randn, type Tensor, tensor } from '@tapegrad/core';
import { Adam, bceWithLogits, Linear, ReLU, Sequential } from '@tapegrad/nn';
import { type FromWorker, type ToWorker, VIEW } from './moons-protocol.js';

const STEPS_PER_TASK = 5;

interface Session {
  x: Tensor;
  y: Tensor;
  model: Sequential;
  optimizer: Adam;
  step: number;
  running: boolean;
  generation: number;
}

let session: Session | null = null;
let generation = 0;

const post = (message: FromWorker, transfer: Transferable[] = []) => postMessage(message, { transfer });

/** Two interleaving half circles with Gaussian noise, as scikit-learn's make_moons. */
function makeMoons(n: number, noise: number): { x: Tensor; y: Tensor; points: number[][]; labels: number[] } {
  const half = n / 2;
  const jitter = randn([n, 2]).mul(noise).data;
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const upper = i < half;
    const t = (Math.PI * (upper ? i : i - half)) / (half - 1);
    const [px, py] = upper ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    points.push([px + jitter[2 * i]!, py + jitter[2 * i + 1]!]);
    labels.push(upper ? 0 : 1);
  }
  return { x: tensor(points), y: tensor(labels.map((l) => [l])), points, labels };
}

/** The network's probability of class 1 over the grid of {@link VIEW}. */
function boundary(model: Sequential): Float32Array {
  const cells: number[][] = [];
  for (let r = 0; r < VIEW.cells; r++) {
    for (let c = 0; c < VIEW.cells; c++) {
      const px = VIEW.x0 + ((c + 0.5) * (VIEW.x1 - VIEW.x0)) / VIEW.cells;
      const py = VIEW.y1 - ((r + 0.5) * (VIEW.y1 - VIEW.y0)) / VIEW.cells;
      cells.push([px, py]);
    }
  }
  return noGrad(() => Float32Array.from(model.call(tensor(cells)).sigmoid().data));
}

function reset(hidden: number, lr: number, seed: number): void {
  manualSeed(seed);
  const data = makeMoons(100, 0.1);
  const model = new Sequential(
    new Linear(2, hidden),
    new ReLU(),
    new Linear(hidden, hidden),
    new ReLU(),
    new Linear(hidden, 1),
  );
  generation++;
  session = {
    x: data.x,
    y: data.y,
    model,
    optimizer: new Adam(model.parameters(), { lr }),
    step: 0,
    running: false,
    generation,
  };
  post({ type: 'data', points: data.points, labels: data.labels });
  const grid = boundary(model);
  post({ type: 'progress', step: 0, losses: [], accuracy: accuracy(session), grid }, [grid.buffer]);
}

function accuracy(s: Session): number {
  return noGrad(() => s.model.call(s.x).gt(0).eq(s.y).mean().item());
}

/** A few optimizer steps, a progress message, and the next task if still running. */
function train(s: Session): void {
  if (!s.running || s !== session || s.generation !== generation) return;
  const losses: number[] = [];
  for (let i = 0; i < STEPS_PER_TASK; i++) {
    s.optimizer.zeroGrad();
    const loss = bceWithLogits(s.model.call(s.x), s.y);
    loss.backward();
    s.optimizer.step();
    s.step++;
    losses.push(loss.item());
  }
  const grid = boundary(s.model);
  post({ type: 'progress', step: s.step, losses, accuracy: accuracy(s), grid }, [grid.buffer]);
  setTimeout(() => train(s), 0);
}

addEventListener('message', (event) => {
  const message = (event as MessageEvent<ToWorker>).data;
  try {
    if (message.type === 'reset') reset(message.hidden, message.lr, message.seed);
    else if (session === null) throw new Error(`'${message.type}' before 'reset'`);
    else if (message.type === 'run' && !session.running) {
      session.running = true;
      train(session);
    } else if (message.type === 'pause') session.running = false;
    else if (message.type === 'lr') for (const g of session.optimizer.paramGroups) g.lr = message.lr;
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
