import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, so `pnpm test` needs no build first.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tapegrad\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@tapegrad\/nn\/node$/, replacement: src('./packages/nn/src/node.ts') },
      { find: /^@tapegrad\/nn$/, replacement: src('./packages/nn/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'docs/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // The memory tests call global.gc() to show the graph is collectable after backward().
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
