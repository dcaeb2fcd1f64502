/**
 * Starts a throwaway local Tomcat for trying the CLI by hand, prints how to point tomcat-pd at
 * it, and stops it on Ctrl-C. Run with `pnpm dev:tomcat`.
 */
import { startTomcat } from '@tomcat-pd/testkit/start-tomcat';

const tomcat = await startTomcat();
const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
console.log(`# Tomcat (${tomcat.kind}) at ${tomcat.baseUrl}; Ctrl-C stops it. For tomcat-pd:`);
console.log(`export TOMCAT_PD_URL=${tomcat.managerUrl}`);
console.log(`export TOMCAT_PD_USER=${quote(tomcat.user)}`);
console.log(`export TOMCAT_PD_PASSWORD=${quote(tomcat.password)}`);
const stop = () => void tomcat.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
