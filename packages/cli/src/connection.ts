import { readFile } from 'node:fs/promises';
import { UsageError, type ManagerTarget } from '@tomcat-pd/core';
import type { ConfigFile, TargetConfig } from './config-file.js';
import { sshOptionsOf } from './ssh-settings.js';

/** The global connection options, after commander merged flags and their environment variables. */
export interface ConnectionOptions {
  url?: string;
  user?: string;
  target?: string;
  passwordStdin?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Where visitors reach Tomcat (`--app-url`), for probes. */
  appUrl?: string;
  /** The URL came from TOMCAT_PD_URL: a --target flag beats it (flags > environment). */
  urlFromEnv?: boolean;
  /** `--ssh`: the --url target through SSH. */
  ssh?: string;
  /** `--ssh-key`, `--ssh-known-hosts`: for every SSH connection, beating the config file. */
  sshKey?: string;
  sshKnownHosts?: string;
}

/** A target with its credentials and the TLS files to use for it (flags beat the config). */
export interface ResolvedTarget extends ManagerTarget {
  name: string;
  /** Where visitors reach it, for probes; the Manager's origin when not given. */
  appUrl: string | undefined;
  tlsFiles: { caFile?: string; certFile?: string; keyFile?: string };
}

/**
 * Which Tomcat Managers a command talks to, with credentials. Precedence: flags, then the
 * environment (`TOMCAT_PD_URL`, `TOMCAT_PD_USER`, `TOMCAT_PD_PASSWORD`), then the config file.
 * There is no password flag: argv is visible to every user of the machine.
 */
export async function resolveTargets(
  options: ConnectionOptions,
  config: ConfigFile | undefined,
  readStdin: () => Promise<string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedTarget[]> {
  const sharedPassword = options.passwordStdin ? firstLine(await readStdin()) : env.TOMCAT_PD_PASSWORD;
  const url = chosenUrl(options);
  const ssh = {
    flags: { sshKeyFile: options.sshKey, sshKnownHosts: options.sshKnownHosts },
    defaults: config?.defaults ?? {},
  };
  if (url !== undefined) {
    if (options.target !== undefined) throw new UsageError('Give either --url or --target, not both.');
    const sshOptions = sshOptionsOf({ ssh: options.ssh }, ssh, env);
    return [
      {
        name: url,
        url,
        user: requireUser(options.user, url),
        password: requirePassword(sharedPassword, url),
        appUrl: options.appUrl,
        tlsFiles: tlsFiles(options, {}),
        ...(sshOptions === undefined ? {} : { ssh: sshOptions }),
      },
    ];
  }
  // An --ssh with no --url at all is a mistake; one that came with a --url that --target set aside
  // (both from the environment, for one target) goes with it.
  if (options.ssh !== undefined && options.url === undefined) {
    throw new UsageError('--ssh goes with --url: the config file gives each target its own "ssh".');
  }
  if (config === undefined || config.targets.length === 0) {
    throw new UsageError('No Tomcat to talk to.', {
      hint: 'Give --url (or TOMCAT_PD_URL), or a config file (tomcat-pd.json or --config FILE) with targets.',
    });
  }
  return Promise.all(
    selectTargets(config, options.target).map(async (target) => {
      const sshOptions = sshOptionsOf(target, ssh, env);
      return {
        name: target.name,
        url: target.url,
        user: requireUser(options.user ?? target.user, target.name),
        password: requirePassword(sharedPassword ?? (await configPassword(target, env)), target.name),
        appUrl: options.appUrl ?? target.appUrl,
        tlsFiles: tlsFiles(options, target),
        ...(sshOptions === undefined ? {} : { ssh: sshOptions }),
      };
    }),
  );
}

/** `--url`, unless it came from the environment and `--target` chose config targets. */
function chosenUrl(options: ConnectionOptions): string | undefined {
  return options.target !== undefined && options.urlFromEnv ? undefined : options.url;
}

/** The names of the targets {@link resolveTargets} selects, without reading any password. */
export function selectedTargetNames(options: ConnectionOptions, config: ConfigFile | undefined): string[] {
  const url = chosenUrl(options);
  if (url !== undefined) return [url];
  return config === undefined ? [] : selectTargets(config, options.target).map((target) => target.name);
}

function selectTargets(config: ConfigFile, wanted: string | undefined): ConfigFile['targets'] {
  if (wanted === undefined) return config.targets;
  const names = wanted
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const known = config.targets.map((target) => target.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `Unknown target ${unknown.map((name) => `"${name}"`).join(', ') || '""'} in --target.`,
      { hint: `Targets in ${config.source}: ${known.join(', ')}.` },
    );
  }
  return config.targets.filter((target) => names.includes(target.name));
}

async function configPassword(
  target: ConfigFile['targets'][number],
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (target.passwordEnv !== undefined) {
    const value = env[target.passwordEnv];
    if (value === undefined || value === '') {
      throw new UsageError(
        `The password of target "${target.name}" is to come from $${target.passwordEnv}, which is not set.`,
      );
    }
    return value;
  }
  if (target.passwordFile !== undefined) {
    try {
      return firstLine(await readFile(target.passwordFile, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `Cannot read the password file of target "${target.name}": ${(error as Error).message}`,
      );
    }
  }
  return undefined;
}

function tlsFiles(options: ConnectionOptions, target: Partial<TargetConfig>): ResolvedTarget['tlsFiles'] {
  const caFile = options.caFile ?? target.caFile;
  const certFile = options.certFile ?? target.certFile;
  const keyFile = options.keyFile ?? target.keyFile;
  return {
    ...(caFile === undefined ? {} : { caFile }),
    ...(certFile === undefined ? {} : { certFile }),
    ...(keyFile === undefined ? {} : { keyFile }),
  };
}

function requireUser(user: string | undefined, where: string): string {
  if (user === undefined || user === '') {
    throw new UsageError(`No user for ${where}.`, {
      hint: 'Give --user (or TOMCAT_PD_USER), or "user" in the config target.',
    });
  }
  return user;
}

function requirePassword(password: string | undefined, where: string): string {
  if (password === undefined || password === '') {
    throw new UsageError(`No password for ${where}.`, {
      hint: 'Set TOMCAT_PD_PASSWORD, pipe it with --password-stdin, or give the config target a passwordEnv or passwordFile.',
    });
  }
  return password;
}

/** A password is the first line: a trailing newline from `echo` or a file is not part of it. */
function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}
