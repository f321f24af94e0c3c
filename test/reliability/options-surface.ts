/**
 * Finds every options parameter of the public API from the TypeScript sources: each exported
 * function, each class's constructor and public methods, and each object type nested in an array
 * parameter (parameter groups), whose type is an object with optional properties.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The entry points whose exports form the public API. */
const ENTRIES = ['packages/core/src/index.ts', 'packages/nn/src/index.ts', 'packages/nn/src/node.ts'];

export interface OptionsSite {
  /** `tensor#1`, `Adam.constructor#1`, `Tensor.gelu#0`, `SGD.constructor#0[]`. */
  id: string;
  /** The property names the type allows. */
  keys: string[];
}

export function findOptionsSites(): OptionsSite[] {
  const program = ts.createProgram(
    ENTRIES.map((e) => join(root, e)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      baseUrl: root,
      paths: {
        '@tapegrad/core': ['packages/core/src/index.ts'],
        '@tapegrad/nn': ['packages/nn/src/index.ts'],
      },
    },
  );
  const checker = program.getTypeChecker();
  const sites = new Map<string, OptionsSite>();
  const seenClasses = new Set<ts.Symbol>();

  const optionKeys = (type: ts.Type): string[] | null => {
    if (type.getCallSignatures().length || type.getConstructSignatures().length) return null;
    if (checker.isArrayType(type) || checker.isTupleType(type)) return null;
    if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return null;
    const sym = type.getSymbol();
    if (sym && sym.flags & ts.SymbolFlags.Class) return null;
    if (type.getStringIndexType() || type.getNumberIndexType()) return null;
    const props = checker.getPropertiesOfType(type);
    const named = /Options$/.test((type.aliasSymbol ?? sym)?.getName() ?? '');
    if (props.length === 0 || !(named || props.some((p) => p.flags & ts.SymbolFlags.Optional))) return null;
    return props.map((p) => p.getName()).sort();
  };

  const visitParam = (id: string, type: ts.Type, depth = 0) => {
    const members = type.isUnion() ? type.types : [type];
    for (const m of members) {
      if (m.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) continue;
      const keys = optionKeys(m);
      if (keys) {
        const prev = sites.get(id);
        sites.set(id, { id, keys: [...new Set([...(prev?.keys ?? []), ...keys])].sort() });
      }
      if (depth === 0 && checker.isArrayType(m)) {
        const [el] = checker.getTypeArguments(m as ts.TypeReference);
        if (el) visitParam(`${id}[]`, el, 1);
      }
    }
  };

  const visitSignatures = (name: string, sigs: readonly ts.Signature[], at: ts.Node) => {
    for (const sig of sigs) {
      sig.getParameters().forEach((p, i) => {
        visitParam(`${name}#${i}`, checker.getTypeOfSymbolAtLocation(p, at));
      });
    }
  };

  const visitClass = (name: string, sym: ts.Symbol, at: ts.Node) => {
    if (seenClasses.has(sym)) return;
    seenClasses.add(sym);
    const ctorType = checker.getTypeOfSymbolAtLocation(sym, at);
    const ctors = ctorType.getConstructSignatures().filter((sig) => {
      const decl = sig.getDeclaration();
      if (decl === undefined) return true;
      const hidden =
        ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected);
      return !hidden && !ts.getJSDocTags(decl).some((t) => t.tagName.text === 'internal');
    });
    visitSignatures(`${name}.constructor`, ctors, at);
    const instance = checker.getDeclaredTypeOfSymbol(sym);
    for (const prop of checker.getPropertiesOfType(instance)) {
      const decl = prop.valueDeclaration;
      if (!decl || !(prop.flags & ts.SymbolFlags.Method) || prop.getName().startsWith('#')) continue;
      const mods = ts.getCombinedModifierFlags(decl as ts.Declaration);
      if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if (ts.getJSDocTags(decl).some((t) => t.tagName.text === 'internal')) continue;
      const owner = (decl.parent as ts.ClassDeclaration).name?.text ?? name;
      const type = checker.getTypeOfSymbolAtLocation(prop, at);
      visitSignatures(`${owner}.${prop.getName()}`, type.getCallSignatures(), at);
    }
  };

  const visitExport = (name: string, sym: ts.Symbol, at: ts.Node) => {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    if (target.flags & ts.SymbolFlags.Class) return visitClass(name, target, at);
    if (target.flags & ts.SymbolFlags.ValueModule) {
      for (const e of checker.getExportsOfModule(target)) visitExport(`${name}.${e.getName()}`, e, at);
      return;
    }
    if (target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable)) {
      const type = checker.getTypeOfSymbolAtLocation(target, at);
      visitSignatures(name, type.getCallSignatures(), at);
    }
  };

  for (const entry of ENTRIES) {
    const file = program.getSourceFile(join(root, entry))!;
    const moduleSym = checker.getSymbolAtLocation(file)!;
    for (const e of checker.getExportsOfModule(moduleSym)) visitExport(e.getName(), e, file);
  }
  return [...sites.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
