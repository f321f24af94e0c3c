/**
 * Every copy of @tapegrad/core loaded in one JavaScript realm writes itself into a list on
 * `globalThis`, so that when a value made by one copy reaches another (whose `instanceof` checks
 * reject it) the error can say that two copies are loaded, instead of only "got Tensor".
 *
 * Node loads one build per package (the export maps send `import` and `require` to the same
 * CommonJS files), so two copies meet only when a project installs two versions, imports a
 * build's file by path, or bundles both the ES module and the CommonJS build.
 */

// Replaced by the build (tsup `define`) with "<version> <format>"; undefined when running from source.
declare const __TAPEGRAD_BUILD__: string | undefined;

/** The copy running this code: its version and build format, e.g. `0.1.0 esm`. */
const THIS_COPY = typeof __TAPEGRAD_BUILD__ === 'string' ? __TAPEGRAD_BUILD__ : 'source';

const REGISTRY = Symbol.for('@tapegrad/core: loaded copies');

function loadedCopies(): string[] {
  const holder = globalThis as { [REGISTRY]?: string[] };
  holder[REGISTRY] ??= [];
  return holder[REGISTRY];
}

loadedCopies().push(THIS_COPY);

/**
 * A sentence for error messages when more than one copy of @tapegrad/core is loaded (saying which,
 * and how to load one), or `''` when this is the only one.
 */
export function copiesNote(): string {
  const copies = loadedCopies();
  if (copies.length < 2) return '';
  return ` (${copies.length} copies of @tapegrad/core are loaded: ${copies.join(', ')}; a Tensor or Scalar made by one copy is not one to another. Load @tapegrad/core and @tapegrad/nn the same way, through their package names, and install one version)`;
}
