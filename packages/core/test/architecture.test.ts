import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);

const NODE_BUILTINS = /^(node:|fs$|path$|os$|child_process$|worker_threads$|url$)/;

describe('dependency direction (DESIGN.md)', () => {
  it('core imports nothing outside itself and nothing Node-only, so it runs in a browser unchanged', () => {
    const offenders = sources(join(root, 'packages/core/src')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith('.') || NODE_BUILTINS.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('kernels know nothing of tensors or the tape: they import only other kernels, the per-element maths and the error type', () => {
    const kernels = join(root, 'packages/core/src/kernels');
    const math = join(root, 'packages/core/src/math');
    const errors = join(root, 'packages/core/src/errors.js');
    const offenders = sources(kernels).flatMap((file) =>
      importsOf(file)
        .map((spec) => ({ spec, path: resolve(dirname(file), spec) }))
        .filter(
          ({ spec, path }) =>
            !spec.startsWith('.') ||
            (relative(kernels, path).startsWith('..') &&
              relative(math, path).startsWith('..') &&
              path !== errors),
        )
        .map(({ spec }) => spec)
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the per-element maths (math/) is pure: it imports only itself', () => {
    const math = join(root, 'packages/core/src/math');
    const offenders = sources(math).flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith('./'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('nn uses only what @tapegrad/core exports, and Node-only code stays behind @tapegrad/nn/node', () => {
    const files = sources(join(root, 'packages/nn/src'));
    const intoCore = files.flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            spec.includes('core/src') || (spec.startsWith('@tapegrad/core/') && spec !== '@tapegrad/core'),
        )
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(intoCore).toEqual([]);
    const nodeOnly = files
      .filter(
        (file) =>
          !/[/\\]node(\.ts|[/\\])/.test(relative(join(root, 'packages/nn/src'), file).replace(/^/, '/')),
      )
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => NODE_BUILTINS.test(spec))
          .map((spec) => `${relative(root, file)} imports ${spec}`),
      );
    expect(nodeOnly).toEqual([]);
  });
});

describe("Tensor's methods call their ops through one table (tensor-ops.ts)", () => {
  const declared = [
    ...readFileSync(join(root, 'packages/core/src/tensor-ops.ts'), 'utf8').matchAll(/^ {2}(\w+): typeof /gm),
  ].map((m) => m[1]!);

  it('every op the table declares is provided once the package is loaded', async () => {
    await import('../src/index.js');
    const { ops } = await import('../src/tensor-ops.js');
    expect(declared.length).toBeGreaterThan(50);
    expect(
      declared.filter((name) => typeof (ops as unknown as Record<string, unknown>)[name] !== 'function'),
    ).toEqual([]);
  });

  it('the built bundle keeps every op module (none dropped as side-effect free)', () => {
    const bundle = join(root, 'packages/core/dist/index.js');
    if (!statSync(bundle, { throwIfNoEntry: false })) return; // `pnpm build` has not run
    const text = readFileSync(bundle, 'utf8');
    const provided = [...text.matchAll(/provideOps\(\{([^}]*)\}/g)].flatMap((m) =>
      m[1]!.split(',').map((s) => s.trim().split(':')[0]!.trim()),
    );
    expect(declared.filter((name) => !provided.includes(name))).toEqual([]);
  });
});
