import { fileURLToPath } from 'node:url';
import { build, defineConfig, type UserConfig } from 'tsdown';
import { chunkGroups } from './build/chunk-groups.js';

const config = {
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  clean: true,
  logLevel: 'warn',
  // One self-contained bundle (core and every dependency inside, hence all devDependencies):
  // Node 20's module loader spends ~20 ms resolving and linking the separate packages on every
  // run, a fifth of a deploy's whole overhead against curl (bench/RESULTS.md). All but two
  // dependencies Node loads when they are needed: prom-client when serve starts (bundled, its
  // index's optional @opentelemetry/api was mis-linked: "Cannot access 'require_types' before
  // initialization"), and ssh2 at a first SSH connection (its optional native modules,
  // cpu-features and its own crypto binding, are require()s in try/catch that a bundler cannot
  // leave optional).
  deps: { alwaysBundle: [/^(?!(?:prom-client|ssh2)(?:\/|$))/] },
  inputOptions: {
    // The entry exports nothing; rolldown may add exports to it, as the grouping below needs.
    preserveEntrySignatures: 'allow-extension',
    resolve: {
      // jsonc-parser's `main` is a UMD build whose inner require()s a bundler cannot follow.
      mainFields: ['module', 'main'],
      // The core from its source, module by module: its built entries are one file each, and
      // the help's defaults, read at every start, would load all of `internal` with them.
      alias: {
        '@tomcat-pd/core/errors': fileURLToPath(new URL('../core/src/errors-entry.ts', import.meta.url)),
        '@tomcat-pd/core/balancers': fileURLToPath(
          new URL('../core/src/balancers-entry.ts', import.meta.url),
        ),
        '@tomcat-pd/core/internal': fileURLToPath(new URL('../core/src/internal.ts', import.meta.url)),
        '@tomcat-pd/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
      },
    },
  },
} satisfies UserConfig;

/**
 * What a command that only reads loads when it runs: its action and the runner (loaded beside
 * every action). What they need is a chunk apart from what only the changing commands need.
 */
const LOADED_TO_READ =
  /[/\\]src[/\\](actions[/\\](status|status-watch|sessions|history|serve)|run-command)\.ts$/;

/**
 * What the balancers' commands load: their actions (and deploy's and rollback's `--blue-green`),
 * serve's watch of the balancers, status's part of them, and the core's balancers entry that the
 * context imports for them.
 */
const LOADED_FOR_BALANCERS =
  /[/\\]src[/\\](actions[/\\](lb-[a-z-]+|restart|status-balancers|[a-z]+-blue-green)|serve[/\\]lb-watch|balancers-entry)\.ts$/;

// Two passes: the default splitting, then its chunks grouped (build/chunk-groups.ts).
export default defineConfig(async () => {
  const [firstPass] = await build({
    ...config,
    config: false,
    write: false,
    clean: false,
    logLevel: 'error',
  });
  const groups = chunkGroups(
    firstPass!.chunks.flatMap((chunk) => (chunk.type === 'chunk' ? [chunk] : [])),
    (id) => LOADED_TO_READ.test(id),
    (id) => LOADED_FOR_BALANCERS.test(id),
  );
  return {
    ...config,
    outputOptions: {
      codeSplitting: {
        // Each module to its group alone: by default a group takes its modules' imports with it.
        includeDependenciesRecursively: false,
        groups: [{ name: (id: string) => groups.get(id) ?? null }],
      },
    },
  };
});
