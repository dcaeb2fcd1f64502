import type { SshOptions } from '@tomcat-pd/core';

/** The environment variable that holds the SSH key file's passphrase (never a flag: argv is public). */
export const SSH_PASSPHRASE_ENV = 'TOMCAT_PD_SSH_PASSPHRASE';

/** The SSH settings of a target or a balancer as the config file (or the flags) give them. */
export interface SshSettings {
  ssh?: unknown;
  sshKeyFile?: unknown;
  sshKnownHosts?: unknown;
}

/** The key file and known hosts given beside the entries: by the flags, or as the config's defaults. */
export interface SshFiles {
  sshKeyFile?: string | undefined;
  sshKnownHosts?: string | undefined;
}

/**
 * The core's SSH options of an entry that names `ssh`. Its key file and known hosts: the flags'
 * (`--ssh-key`, `--ssh-known-hosts`), else the entry's, else the config's defaults; the passphrase
 * from the environment. Undefined without `ssh`: the entry is reached directly.
 */
export function sshOptionsOf(
  entry: SshSettings,
  given: { flags: SshFiles; defaults: SshFiles },
  env: NodeJS.ProcessEnv,
): SshOptions | undefined {
  if (typeof entry.ssh !== 'string') return undefined;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    destination: entry.ssh,
    keyFile: given.flags.sshKeyFile ?? text(entry.sshKeyFile) ?? given.defaults.sshKeyFile,
    knownHostsFile: given.flags.sshKnownHosts ?? text(entry.sshKnownHosts) ?? given.defaults.sshKnownHosts,
    passphrase: text(env[SSH_PASSPHRASE_ENV]),
  };
}
