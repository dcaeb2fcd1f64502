import { createRequire } from 'node:module';

/**
 * The built `tomcat-pd` command (its checked-in shim, which imports `dist/cli.mjs`): what the
 * suites, the benchmarks and the demo run, as a user would, with `node CLI_BIN ...`.
 */
export const CLI_BIN = createRequire(import.meta.url).resolve('tomcat-pd/bin/tomcat-pd.js');
