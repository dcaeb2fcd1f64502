import { STARTING_CONFIG_ADMIN } from '../starting-config-defaults.js';
import type { StartingConfigSpec } from '../starting-config-options.js';

/**
 * A starting mod_jk configuration (for httpd.conf; the workers as `JkWorkerProperty` lines, so
 * that it is one text) for the app in front of the targets, as the mod_jk driver expects it: a
 * status worker reachable from loopback, one lb worker whose members are named as the targets'
 * jvmRoutes. Pure.
 */
export function modJkStartingConfig(spec: StartingConfigSpec): string {
  const console = spec.admin ?? STARTING_CONFIG_ADMIN.mod_jk;
  const { path, balancer, targets } = spec;
  const mounts =
    path === '/'
      ? [`JkMount /* ${balancer}`, `JkUnMount ${console} ${balancer}`]
      : [`JkMount ${path} ${balancer}`, `JkMount ${path}/* ${balancer}`];
  return [
    `# A starting mod_jk configuration for ${path}, from tomcat-pd lb config mod_jk.`,
    "# Module: jk (Debian: libapache2-mod-jk). If a JkWorkersFile already sets worker.list (Debian's",
    '# jk.conf does), put these worker.* lines in that file instead of the JkWorkerProperty lines.',
    "# JkLogFile and JkShmFile: Debian's jk.conf sets them; elsewhere set them (their defaults are under logs/).",
    '# tomcat-pd.json, "balancers":',
    `#   { "name": "jk", "type": "mod_jk", "url": "http://127.0.0.1${console}", "balancer": "${balancer}" }`,
    '#',
    "# Each member is its Tomcat's AJP connector (Tomcat's default port 8009), named as its jvmRoute.",
    '# Tomcat 9.0.31+ wants a secret on that connector (secret="..."), given here as',
    '# worker.<name>.secret=...; or secretRequired="false" on a connector bound to a private address.',
    '',
    `JkWorkerProperty worker.list=${balancer},jkstatus`,
    '# The status worker tomcat-pd drives (cmd=show, cmd=update): not read-only.',
    'JkWorkerProperty worker.jkstatus.type=status',
    `JkWorkerProperty worker.${balancer}.type=lb`,
    `JkWorkerProperty worker.${balancer}.balance_workers=${targets.map(({ name }) => name).join(',')}`,
    '# Stickiness follows the route in the session id (JSESSIONID=<id>.<jvmRoute>), which a disabled',
    '# (drained) member keeps taking. A hash of the address would not survive a drain.',
    `JkWorkerProperty worker.${balancer}.sticky_session=true`,
    ...targets.flatMap(({ name, host, ajpPort }) => [
      `JkWorkerProperty worker.${name}.type=ajp13`,
      `JkWorkerProperty worker.${name}.host=${host}`,
      `JkWorkerProperty worker.${name}.port=${ajpPort}`,
    ]),
    '# The health check: an AJP CPing before each request and every ping interval, which is no',
    '# HTTP request and makes no session (mod_jk has no probe path; tomcat-pd lb ready probes first).',
    ...targets.map(({ name }) => `JkWorkerProperty worker.${name}.ping_mode=A`),
    '',
    '# The console tomcat-pd drives: from this machine only (it changes what visitors reach).',
    `JkMount ${console} jkstatus`,
    `<Location ${console}>`,
    '    Require local',
    '</Location>',
    '',
    ...mounts,
    '',
  ].join('\n');
}
