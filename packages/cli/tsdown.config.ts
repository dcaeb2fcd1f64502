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
  // run, a fifth of a deploy's whole overhead against curl (bench/RESULTS.md).
  deps: { alwaysBundle: [/./] },
  // jsonc-parser's `main` is a UMD build whose inner require()s a bundler cannot follow.
  inputOptions: { resolve: { mainFields: ['module', 'main'] } },
});
