import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';
import { startSshOnlyNamespace, type SshOnlyNamespace } from '@tomcat-pd/testkit/ssh-namespace';
import { startSshd, type SshdInstance, type SshdOptions } from '@tomcat-pd/testkit/sshd';
import { cleanEnv, type CliResult } from './cli-helpers.js';

/** util-linux: a mount namespace of its own (private propagation), for {@link SshStand.inside}'s `hide`. */
const UNSHARE_BIN = '/usr/bin/unshare';
/** `sh -c HIDING sh N DIR1 .. DIRN COMMAND...`: an empty tmpfs over each folder, then the command. */
const HIDING = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do mount -t tmpfs hidden "$1" || exit 125; shift; n=$((n - 1)); done',
  'exec "$@"',
].join('\n');

/** The three SSH keys of a config entry (a target or a balancer) reached through one sshd. */
export interface SshAccess {
  /** `user@127.0.0.1:port`. */
  readonly ssh: string;
  readonly sshKeyFile: string;
  readonly sshKnownHosts: string;
}

/** What a tunnelled target needs of a Tomcat (a TomcatInstance has it). */
export interface TunnelledTomcat {
  /** As seen from the host: `http://127.0.0.1:<port>/manager`. */
  readonly managerUrl: string;
  readonly user: string;
  readonly password: string;
}

/** A config file target reached through `access`, its password in `${NAME}_PW` ({@link passwordEnvOf}). */
export function tunnelledTarget(name: string, tomcat: TunnelledTomcat, access: SshAccess) {
  return { name, url: tomcat.managerUrl, user: tomcat.user, passwordEnv: passwordEnvOf(name), ...access };
}

/** The variable a {@link tunnelledTarget} takes its password from: `web1` → `WEB1_PW`. */
export function passwordEnvOf(name: string): string {
  return `${name.toUpperCase().replaceAll('-', '_')}_PW`;
}

/** The environment that gives each `[name, tomcat]` target its password. */
export function passwordsOf(
  targets: readonly (readonly [string, TunnelledTomcat])[],
): Record<string, string> {
  return Object.fromEntries(targets.map(([name, tomcat]) => [passwordEnvOf(name), tomcat.password]));
}

/** A real sshd with a known_hosts file that knows it, and a config folder of the test's own. */
export interface SshStand {
  readonly sshd: SshdInstance;
  /** `ssh`, `sshKeyFile`, `sshKnownHosts` of an entry reached through {@link sshd}. */
  readonly access: SshAccess;
  /** Where the config file (`tomcat-pd.json`) goes, and the CLI runs. */
  readonly dir: string;
  /** Writes `config` as the folder's `tomcat-pd.json`. */
  writeConfig(config: unknown): Promise<void>;
  /**
   * Runs the built CLI in the folder inside a network namespace where only sshd's port is
   * reachable (started at the first call): what it reaches, it reaches through SSH. The
   * namespace shares the files of this machine, UNIX sockets included: `hide` lists folders the
   * CLI must not see (an empty tmpfs over each, in a mount namespace of its own), so that a
   * socket in them is reached through SSH too.
   */
  inside(
    args: readonly string[],
    env?: Record<string, string | undefined>,
    hide?: readonly string[],
  ): Promise<CliResult>;
  stop(): Promise<void>;
}

/** Starts sshd (with `options`), writes its known_hosts file, and makes the config folder. */
export async function startSshStand(options: SshdOptions = {}): Promise<SshStand> {
  const [sshd, dir] = await Promise.all([startSshd(options), mkdtemp(join(tmpdir(), 'tomcat-pd-ssh-'))]);
  const access: SshAccess = {
    ssh: sshd.destination,
    sshKeyFile: sshd.clientKeyFile,
    sshKnownHosts: await sshd.knownHostsFile({ hashed: true }),
  };
  let namespace: Promise<SshOnlyNamespace> | undefined;
  return {
    sshd,
    access,
    dir,
    writeConfig: (config) => writeFile(join(dir, 'tomcat-pd.json'), JSON.stringify(config)),
    async inside(args, env = {}, hide = []) {
      namespace ??= startSshOnlyNamespace(sshd);
      // A mount namespace only when there is something to hide: the CLI alone needs none.
      const hiding =
        hide.length === 0
          ? []
          : [UNSHARE_BIN, '--mount', '--', '/bin/sh', '-c', HIDING, 'sh', String(hide.length), ...hide];
      const [file = process.execPath, ...rest] = [...hiding, process.execPath, CLI_BIN, ...args];
      const { exitCode, stdout, stderr } = await (
        await namespace
      ).run(file, rest, { env: cleanEnv(env), cwd: dir });
      return { code: exitCode, signal: null, stdout, stderr };
    },
    async stop() {
      await (await namespace?.catch(() => undefined))?.stop();
      await sshd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
