import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // Each build names itself ("0.1.0 esm"), so an error can say which copies met (src/copies.ts).
  esbuildOptions(options, { format }) {
    options.define = { ...options.define, __TAPEGRAD_BUILD__: JSON.stringify(`${version} ${format}`) };
  },
});
