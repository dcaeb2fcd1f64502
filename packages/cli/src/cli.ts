// The tomcat-pd command arrives with the CLI issue; until then it only says what it is.
import { createRequire } from 'node:module';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
process.stdout.write(`tomcat-pd ${version}: the commands are not built yet; use @tomcat-pd/core.\n`);
