/**
 * Fails (exit 1) when the source files of the packages import each other in a cycle, listing
 * each cycle. Type-only imports are ignored: they vanish at run time. Run by `.ci/run`.
 * Usage: tsx scripts/check-cycles.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const roots = ['packages/core/src', 'packages/nn/src'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [resolve(p)] : [];
  });
}

/** The files a source file imports for their values (relative specifiers only). */
function valueImports(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'(\.[^']+)'/gm)) {
    const clause = m[3]!;
    if (m[2] || /^\{(\s*type\s+\w+\s*,?)*\s*\}$/.test(clause)) continue;
    out.push(resolve(dirname(file), m[4]!.replace(/\.js$/, '.ts')));
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gm))
    out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  return out.filter((f) => known.has(f));
}

/** Strongly connected components with more than one file (Tarjan), iteratively. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (start: string) => {
    const work: [string, number][] = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      const edges = graph.get(v)!;
      if (i < edges.length) {
        frame[1]++;
        const w = edges[i]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) found.push(component);
      }
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const files = roots.flatMap(sources);
const known = new Set(files);
const graph = new Map(files.map((f) => [f, valueImports(f, known)]));
const found = cycles(graph);
for (const c of found) {
  console.error(`import cycle of ${c.length} files: ${c.map((f) => relative(process.cwd(), f)).join(' → ')}`);
}
if (found.length > 0) process.exit(1);
console.log(`no import cycles among ${files.length} source files`);
