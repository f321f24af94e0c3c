/**
 * Renders the graphs of docs/concepts.md: the guide's Scalar example (after `backward()`, so
 * gradients show) and its Tensor example (after `backward({ retainGraph: true })`), each piped
 * from `toDot` through Graphviz into docs/assets/. Needs the `dot` program (Debian:
 * `apt-get install graphviz`). Run from the repository root:
 *   npx tsx docs/scripts/render-concept-graphs.ts
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scalar, tensor, toDot } from '@tapegrad/core';

/** The DOT of each picture, by the name of its SVG in docs/assets/. */
export function conceptGraphs(): Record<string, string> {
  // The guide's Scalar example: L = (a·b + c)·f.
  const a = scalar(2, { requiresGrad: true, label: 'a' });
  const b = scalar(-3, { requiresGrad: true, label: 'b' });
  const c = scalar(10, { requiresGrad: true, label: 'c' });
  const f = scalar(-2, { label: 'f' });
  const e = a.mul(b);
  e.label = 'e';
  const d = e.add(c);
  d.label = 'd';
  const L = d.mul(f);
  L.label = 'L';
  L.backward();

  // The guide's Tensor example: one tanh unit and a squared error.
  const x = tensor(
    [
      [1, -2],
      [3, 0.5],
    ],
    { label: 'x' },
  );
  const w = tensor([[0.5], [-1]], { requiresGrad: true, label: 'w' });
  const bias = tensor([0.1], { requiresGrad: true, label: 'bias' });
  const target = tensor([[1], [0]], { label: 'target' });
  const h = x.matmul(w).add(bias).tanh();
  h.label = 'h';
  const loss = h.sub(target).pow(2).mean();
  loss.label = 'loss';
  loss.backward({ retainGraph: true });

  return {
    'concepts-scalar-graph.svg': toDot(L),
    'concepts-tensor-graph.svg': toDot(loss, { digits: 4 }),
  };
}

function render(dot: string): string {
  try {
    return execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  } catch (e) {
    const reason =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'the Graphviz `dot` program is not installed (apt-get install graphviz)'
        : String(e);
    console.error(`render-concept-graphs: ${reason}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, dot] of Object.entries(conceptGraphs())) {
    const target = fileURLToPath(new URL(`../assets/${name}`, import.meta.url));
    const svg = render(dot);
    writeFileSync(target, svg);
    console.log(`wrote ${target} (${svg.length} bytes)`);
  }
}
