import { defineConfig } from 'tsdown';

export default defineConfig({
  // `errors` alone is light (no HTTP, no zip reader): the CLI maps exit codes without loading the
  // whole library. `parsers`: the pure parsers of Tomcat's texts, for tools that read them themselves.
  // `balancers`: the load balancers' layer, which a build script that only deploys never loads.
  entry: {
    index: 'src/index.ts',
    errors: 'src/errors-entry.ts',
    parsers: 'src/parsers.ts',
    internal: 'src/internal.ts',
    balancers: 'src/balancers-entry.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  clean: true,
  logLevel: 'warn',
});
