import { defineConfig } from 'tsdown';

export default defineConfig({
  // `errors` alone is light (no HTTP, no zip reader): the CLI maps exit codes without loading the
  // whole library. `parsers`: the pure parsers of Tomcat's texts, for tools that read them themselves.
  entry: {
    index: 'src/index.ts',
    errors: 'src/errors-entry.ts',
    parsers: 'src/parsers.ts',
    internal: 'src/internal.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  clean: true,
  logLevel: 'warn',
});
