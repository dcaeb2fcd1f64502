import { STARTING_CONFIG_ADMIN } from '../starting-config-defaults.js';
import type { StartingConfigSpec } from '../starting-config-options.js';
import { NGINX_NAMES } from './nginx-file.js';

/**
 * The part of nginx's configuration a user writes for the nginx driver: the managed file
 * included in the `http` block (upstreams and maps that tomcat-pd rewrites), and a server block
 * that proxies through its `$tomcat_pd_upstream` and answers the generation marker on loopback.
 * The managed file itself is the driver's. Pure.
 */
export function nginxStartingConfig(spec: StartingConfigSpec): string {
  const file = spec.admin ?? STARTING_CONFIG_ADMIN.nginx;
  const servers = spec.targets.map(({ name, host, port }) => `"${name}": "${host}:${port}"`).join(', ');
  const location = spec.path === '/' ? '/' : `${spec.path}/`;
  const { markerPath, upstreamVariable, generationVariable } = NGINX_NAMES;
  return [
    `# A starting nginx configuration for ${spec.path}, from tomcat-pd lb config nginx: in the http block.`,
    '# tomcat-pd.json, "balancers":',
    `#   { "name": "nginx", "type": "nginx", "file": "${file}", "test": ["nginx", "-t", "-q"],`,
    `#     "reload": ["nginx", "-s", "reload"], "servers": { ${servers} }, "url": "http://127.0.0.1" }`,
    '',
    '# The file tomcat-pd owns and rewrites on every lb drain|maint|ready: an upstream of new visitors',
    "# and a map from the session id's route (JSESSIONID=<id>.<jvmRoute>) to its member, which a",
    '# drained member keeps. Never ip_hash or hash $cookie_JSESSIONID: a drain would move those visitors.',
    '# nginx does not start while it is missing: lb config nginx writes it (every member ready)',
    '# when the config file has this balancer, and never overwrites one.',
    `include ${file};`,
    '',
    'server {',
    `    listen ${spec.listen};`,
    '',
    '    # tomcat-pd reads back which file nginx serves, from this machine only; $pid lets it',
    '    # watch the old workers go after a reload.',
    `    location = ${markerPath} {`,
    '        allow 127.0.0.1;',
    '        allow ::1;',
    '        deny all;',
    `        return 200 "$${generationVariable} $pid\\n";`,
    '    }',
    '',
    '    # nginx open source has no active health check: tomcat-pd lb ready probes a Tomcat before',
    `    # it takes visitors again (${spec.check.method} ${spec.check.path}, which makes no session).`,
    `    location ${location} {`,
    `        proxy_pass http://$${upstreamVariable};  # no URI after it: the request's own is passed`,
    '        proxy_set_header Host $host;',
    '    }',
    '}',
    '',
  ].join('\n');
}
