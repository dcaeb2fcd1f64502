import { defineConfig } from 'tsdown';

export default defineConfig({
  // `errors` alone is light (no HTTP, no zip reader): the CLI maps exit codes without loading the whole library.
  entry: ['src/index.ts', 'src/errors.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  clean: true,
  logLevel: 'warn',
});
