import { createRequire } from 'node:module';

/**
 * The built `tomcat-pd` command (its checked-in shim, which imports `dist/cli.mjs`): what the
 * suites, the benchmarks and the demo run, as a user would, with `node CLI_BIN ...`. Resolved
 * through the package as the workspace's root depends on it: testkit itself may not depend on the
 * CLI, because the core's tests use testkit and the CLI uses the core (pnpm warns of the cycle on
 * every install).
 */
const workspaceRoot = createRequire(new URL('../../../package.json', import.meta.url));

export const CLI_BIN = workspaceRoot.resolve('tomcat-pd/bin/tomcat-pd.js');
