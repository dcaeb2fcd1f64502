/**
 * Stand-in Managers (@tomcat-pd/testkit/stand-in-manager) left running for measurements by hand, so that one
 * command can be timed, profiled or counted on its own:
 *
 *   npx tsx bench/stand-ins.ts --count 200 --latency-ms 0 --out /tmp/si
 *   . /tmp/si/env && valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *     node packages/cli/bin/tomcat-pd.js --config /tmp/si/config.json --parallel 16 status --json
 *   (. /tmp/si/first.env && node packages/cli/bin/tomcat-pd.js status)
 *
 * Writes OUT/config.json (every stand-in as a target, with `passwordEnv`), OUT/env (that
 * password variable) and OUT/first.env (TOMCAT_PD_URL, _USER and _PASSWORD of the first stand-in:
 * the environment beats a config file, so not in the same shell), then serves until SIGINT or
 * SIGTERM. A deploy adds its version to that stand-in's `list` until the stand-ins restart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startStandIns } from '@tomcat-pd/testkit/stand-in-manager';

const PASSWORD_ENV = 'STAND_IN_PASSWORD';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1' },
    'latency-ms': { type: 'string', default: '0' },
    out: { type: 'string', default: 'stand-ins' },
  },
  strict: true,
});

const fleet = await startStandIns(Number(values.count), Number(values['latency-ms']));
const [first] = fleet.targets;
if (first === undefined) throw new Error('--count must be 1 or more');
const targets = fleet.targets.map((target, i) => ({
  name: `t${i + 1}`,
  url: target.managerUrl,
  user: target.user,
  passwordEnv: PASSWORD_ENV,
}));
await mkdir(values.out, { recursive: true });
await writeFile(join(values.out, 'config.json'), `${JSON.stringify({ targets }, null, 2)}\n`);
await writeFile(join(values.out, 'env'), `export ${PASSWORD_ENV}='${first.password}'\n`);
await writeFile(
  join(values.out, 'first.env'),
  `export TOMCAT_PD_URL='${first.managerUrl}' TOMCAT_PD_USER='${first.user}' TOMCAT_PD_PASSWORD='${first.password}'\n`,
);
console.log(
  `${fleet.targets.length} stand-in(s) at ${values['latency-ms']} ms; ${values.out}/config.json ${values.out}/env and first.env written`,
);
const stop = () => void fleet.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
