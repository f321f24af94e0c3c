/**
 * W4: micrograd's demo with Scalar ops only: MLP 2 → 16 → 16 → 1 on 100 seeded half-moon points,
 * SVM max-margin loss mean(relu(1 − y·score)) + 1e-4·Σw², full batch, forward + backward + SGD.
 *
 * It runs in a child process of its own, as micrograd's reference figure was measured: after the
 * tensor workloads' large arrays in the same process, a Scalar step measured up to 3× slower.
 * Run directly (`node --import tsx w4-scalar-mlp.ts`), it prints its table row.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Generator, type Scalar, scalar, scalarTapeStats } from '@tapegrad/core';
import { compare, row, type System } from './harness.js';

/** micrograd's figure on this machine kind (../shared/benchmarks.md): ms per step. */
const MICROGRAD_MS = 1271;

function moons(n: number, gen: Generator): { x: [number, number][]; y: number[] } {
  const x: [number, number][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const upper = i < n / 2;
    const t = Math.PI * gen.random();
    const px = upper ? Math.cos(t) : 1 - Math.cos(t);
    const py = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    x.push([px + 0.1 * gen.normal(), py + 0.1 * gen.normal()]);
    y.push(upper ? 1 : -1);
  }
  return { x, y };
}

/** The W4 model and one training step of it. */
export function w4Step(): { step: () => number; params: Scalar[] } {
  const gen = new Generator(4);
  const data = moons(100, gen);
  const layer = (nin: number, nout: number) =>
    Array.from({ length: nout }, () => ({
      w: Array.from({ length: nin }, () => scalar(gen.random() * 2 - 1, { requiresGrad: true })),
      b: scalar(0, { requiresGrad: true }),
    }));
  const layers = [layer(2, 16), layer(16, 16), layer(16, 1)];
  const params = layers.flatMap((l) => l.flatMap((n) => [...n.w, n.b]));
  const step = () => {
    const losses: Scalar[] = [];
    data.x.forEach((point, i) => {
      let act: Scalar[] = point.map((v) => scalar(v));
      layers.forEach((l, li) => {
        act = l.map((neuron) => {
          const z = neuron.w.reduce((s, w, j) => s.add(w.mul(act[j]!)), neuron.b);
          return li < layers.length - 1 ? z.relu() : z;
        });
      });
      losses.push(act[0]!.mul(-data.y[i]!).add(1).relu());
    });
    const dataLoss = losses.reduce((s, l) => s.add(l), scalar(0)).div(losses.length);
    const reg = params.reduce((s, p) => s.add(p.mul(p)), scalar(0)).mul(1e-4);
    const loss = dataLoss.add(reg);
    for (const p of params) p.grad = 0;
    loss.backward();
    for (const p of params) p.value -= 0.05 * p.grad;
    return loss.value;
  };
  return { step, params };
}

/** W4's table row, measured in a fresh process. */
export async function w4(systems: readonly System[]): Promise<string[]> {
  if (!systems.includes('tapegrad')) return [];
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self], { encoding: 'utf8' });
  return out.trim().split('\n');
}

/** Times W4 in this process and returns its row. */
async function measure(): Promise<string[]> {
  let recordedPerStep = 0;
  const medians = await compare(
    ['tapegrad'],
    async () => {
      const { step } = w4Step();
      return () => {
        const before = scalarTapeStats().recorded;
        step();
        recordedPerStep = scalarTapeStats().recorded - before;
      };
    },
    15,
  );
  const ms = medians.tapegrad!;
  const ops = recordedPerStep;
  return [
    row(
      `W4 scalar MLP step (${ops} recorded ops)`,
      medians,
      () => `${(ops / ms / 1e3).toFixed(2)} M ops/s, ${(MICROGRAD_MS / ms).toFixed(0)}× micrograd`,
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await measure()) console.log(line);
}
