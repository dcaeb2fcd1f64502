import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsdown';

export default defineConfig({
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
  // run, a fifth of a deploy's whole overhead against curl (bench/RESULTS.md). All but
  // prom-client, a dependency Node loads when serve starts: bundled, its index's optional
  // @opentelemetry/api was mis-linked ("Cannot access 'require_types' before initialization").
  deps: { alwaysBundle: [/^(?!prom-client(?:\/|$))/] },
  inputOptions: {
    resolve: {
      // jsonc-parser's `main` is a UMD build whose inner require()s a bundler cannot follow.
      mainFields: ['module', 'main'],
      // The core from its source, module by module: its built entries are one file each, and
      // the help's defaults, read at every start, would load all of `internal` with them.
      alias: {
        '@tomcat-pd/core/errors': fileURLToPath(new URL('../core/src/errors-entry.ts', import.meta.url)),
        '@tomcat-pd/core/internal': fileURLToPath(new URL('../core/src/internal.ts', import.meta.url)),
        '@tomcat-pd/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
      },
    },
  },
});
