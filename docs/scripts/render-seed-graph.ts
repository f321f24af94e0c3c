/**
 * Renders the seed network's graph for the docs: builds the network, runs backward (keeping the
 * graph so gradients show), and pipes `toDot` through Graphviz into docs/assets/seed-network.svg.
 * Needs the `dot` program (Debian: `apt-get install graphviz`). Run from the repository root:
 *   npx tsx docs/scripts/render-seed-graph.ts
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toDot } from '@tapegrad/core';
import { buildSeedNetwork } from '../../packages/examples/src/seed-model.js';

const target = fileURLToPath(new URL('../assets/seed-network.svg', import.meta.url));

const net = buildSeedNetwork();
net.E_total.backward({ retainGraph: true });
const dot = toDot(net.E_total, { digits: 6 });

let svg: string;
try {
  svg = execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
} catch (e) {
  const reason =
    (e as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'the Graphviz `dot` program is not installed (apt-get install graphviz)'
      : String(e);
  console.error(`render-seed-graph: ${reason}`);
  process.exit(1);
}
writeFileSync(target, svg);
console.log(`wrote ${target} (${svg.length} bytes, ${dot.split('\n').length} lines of DOT)`);
