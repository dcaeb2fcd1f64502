import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The layer table of docs/architecture.md is the rule: a module imports only from its own layer
// and the layers above it. The test reads the table itself, so that the page and the code cannot
// drift apart: a new folder, or an import that points up, fails here until both agree.
const src = fileURLToPath(new URL('../src/', import.meta.url));
const page = fileURLToPath(new URL('../../../docs/architecture.md', import.meta.url));

/** The folders of the layer table, top layer first (`ops/deploy/` → `ops/deploy`). */
function layerFolders(): string[] {
  const text = readFileSync(page, 'utf8');
  const start = text.indexOf('## Layers of the core');
  const section = text.slice(start, text.indexOf('\n### ', start));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => /^\| `([^`]+)\/`/.exec(line)?.[1] ?? '');
}

/** Every module of the core, relative to `src/` with `/` separators. */
function modules(folder = src): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') ? [relative(src, path).split('\\').join('/')] : [];
  });
}

/** The modules a module imports, statically or with `import()`, relative to `src/`. */
function importsOf(module: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(src, module), 'utf8'), true, true);
  return info.importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) =>
      relative(src, resolve(dirname(join(src, module)), name))
        .split('\\')
        .join('/'),
    )
    .map((name) => name.replace(/\.js$/, '.ts'));
}

const folders = layerFolders();

/** A module's layer: the row of the deepest folder that holds it; the entries (in `src/` itself) come last. */
function layerOf(module: string): number {
  const folder = posix.dirname(module);
  if (folder === '.') return folders.length;
  const rows = folders
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => folder === row || folder.startsWith(`${row}/`))
    .sort((a, b) => b.row.length - a.row.length);
  return rows[0]?.index ?? -1;
}

describe('the layers of the core (docs/architecture.md)', () => {
  it('the page lists the layers, the wire and the operations among them', () => {
    expect(folders).toEqual(expect.arrayContaining(['errors', 'manager', 'manager/parse', 'check', 'ops']));
    expect(folders).not.toContain('');
  });

  it('every folder of the core is in a layer of the table', () => {
    const unplaced = modules().filter((module) => layerOf(module) === -1);
    expect(unplaced).toEqual([]);
  });

  it('a module imports only from its own layer and the layers above it', () => {
    const upward = modules().flatMap((module) =>
      importsOf(module)
        .filter((imported) => layerOf(imported) > layerOf(module))
        .map((imported) => `${module} (${folders[layerOf(module)] ?? 'entry'}) imports ${imported}`),
    );
    expect(upward).toEqual([]);
  });

  it('no module imports itself back through others, statically or with import()', () => {
    const graph = new Map(modules().map((module) => [module, importsOf(module)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (module: string, path: string[]): void => {
      if (state.get(module) === 'done') return;
      if (state.get(module) === 'open') {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' → '));
        return;
      }
      state.set(module, 'open');
      for (const next of graph.get(module) ?? []) visit(next, [...path, module]);
      state.set(module, 'done');
    };
    for (const module of graph.keys()) visit(module, []);
    expect(cycles).toEqual([]);
  });
});
