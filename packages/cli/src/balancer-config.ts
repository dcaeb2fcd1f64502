import { resolve } from 'node:path';
import { UsageError, type Logger } from '@tomcat-pd/core';
import type { BalancerOptions } from '@tomcat-pd/core/balancers';
import { SSH_FILE_KEYS, SSH_KEYS, withFilesFrom } from './config-file.js';
import { sshOptionsOf, type SshFiles } from './ssh-settings.js';

/**
 * One entry of the config file's `balancers`, as written: the balancer's own fields, and for a
 * web console the names of the environment variables that hold its credentials (never the
 * credentials themselves).
 */
export interface BalancerConfig {
  name: string;
  type: BalancerOptions['type'];
  [field: string]: unknown;
}

/** The keys each type takes besides `name`, `type` and `members`. */
const KEYS_OF_TYPE: Readonly<Record<BalancerOptions['type'], readonly string[]>> = {
  haproxy: ['socket', 'backend'],
  mod_jk: ['url', 'balancer', 'userEnv', 'passwordEnv'],
  mod_proxy_balancer: ['url', 'balancer', 'userEnv', 'passwordEnv'],
  nginx: ['file', 'test', 'reload', 'servers', 'url'],
};

/** The keys whose value is not a string. */
const NOT_TEXT = new Set(['test', 'reload', 'servers']);

/**
 * Checks the shape of the config file's `balancers` (the balancer's own rules are the core's,
 * checked when an lb command runs); a socket or file path is found from the config file's folder.
 */
export function validateBalancers(
  value: unknown,
  folder: string,
  fail: (problem: string) => Error,
): BalancerConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw fail('"balancers" must be an array.');
  const checked = value.map((entry: unknown, index) => {
    const where = `balancers[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw fail(`${where} must be an object.`);
    const balancer = entry as Record<string, unknown>;
    if (typeof balancer.name !== 'string' || balancer.name === '') throw fail(`${where} needs a "name".`);
    const keys = KEYS_OF_TYPE[balancer.type as BalancerOptions['type']] as readonly string[] | undefined;
    if (keys === undefined) {
      throw fail(
        `${where} ("${balancer.name}") needs a "type": one of ${Object.keys(KEYS_OF_TYPE).join(', ')}.`,
      );
    }
    const allowed = new Set(['name', 'type', 'members', ...keys, ...SSH_KEYS]);
    const unknown = Object.keys(balancer).find((key) => !allowed.has(key));
    if (unknown !== undefined) {
      throw fail(
        `unknown key "${where}.${unknown}" for a ${String(balancer.type)} balancer (known: ${[...allowed].join(', ')}).`,
      );
    }
    for (const key of [...keys, ...SSH_KEYS].filter((key) => !NOT_TEXT.has(key))) {
      if (balancer[key] !== undefined && typeof balancer[key] !== 'string')
        throw fail(`${where}.${key} must be a string.`);
    }
    for (const key of ['members', 'servers']) {
      const map = balancer[key];
      if (map !== undefined && !isStringMap(map)) throw fail(`${where}.${key} must map names to strings.`);
    }
    return withPathsFrom(folder, balancer as BalancerConfig);
  });
  const names = checked.map((balancer) => balancer.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw fail(`the balancer name "${duplicate}" is used twice.`);
  return checked;
}

/**
 * A balancer of the config as the core takes it: its credentials read from the environment, its
 * SSH settings (with the defaults') as the core's, the logger for what the SSH connection does.
 */
export function balancerOptions(
  config: BalancerConfig,
  env: NodeJS.ProcessEnv,
  shared: { ssh: { flags: SshFiles; defaults: SshFiles }; logger: Logger },
): BalancerOptions {
  const { userEnv, passwordEnv, ssh, sshKeyFile, sshKnownHosts, ...fields } = config;
  const fromEnv = (variable: unknown, what: string) => {
    if (typeof variable !== 'string') return undefined;
    const value = env[variable];
    if (value === undefined || value === '') {
      throw new UsageError(`Balancer ${config.name}: its ${what} comes from $${variable}, which is not set.`);
    }
    return value;
  };
  const user = fromEnv(userEnv, 'user');
  const password = fromEnv(passwordEnv, 'password');
  const sshOptions = sshOptionsOf({ ssh, sshKeyFile, sshKnownHosts }, shared.ssh, env);
  return {
    ...fields,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(sshOptions === undefined ? {} : { ssh: sshOptions, logger: shared.logger }),
  } as BalancerOptions;
}

function withPathsFrom(folder: string, balancer: BalancerConfig): BalancerConfig {
  const resolved = withFilesFrom(folder, balancer, SSH_FILE_KEYS);
  // Through SSH, the socket is a path on the balancer's host: not ours to resolve.
  if (
    typeof balancer.socket === 'string' &&
    !balancer.socket.startsWith('tcp://') &&
    balancer.ssh === undefined
  ) {
    resolved.socket = resolve(folder, balancer.socket);
  }
  if (typeof balancer.file === 'string') resolved.file = resolve(folder, balancer.file);
  return resolved;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}
