import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSshd, type SshdInstance, type SshdOptions } from '@tomcat-pd/testkit/sshd';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { jsonOf, runCli, type CliOptions, type CliResult } from './cli-helpers.js';

/** A value a `beforeAll` makes, read by the tests after it ran. */
function started<T>(what: string, start: () => Promise<T>, stop: (value: T) => Promise<void>): () => T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  });
  afterAll(async () => {
    if (value !== undefined) await stop(value);
  });
  return () => {
    if (value === undefined) throw new Error(`${what} is not started (beforeAll failed).`);
    return value;
  };
}

/** One real Tomcat 10.1 for the file, on 127.0.0.1 only: reached through sshd as "its host". */
export const useTomcat = (): (() => LocalTomcatInstance) =>
  started(
    'Tomcat',
    () => startLocalTomcat(),
    (tomcat) => tomcat.stop(),
  );

/** A real sshd for the enclosing describe block. */
export const useSshd = (options: SshdOptions = {}): (() => SshdInstance) =>
  started(
    'sshd',
    () => startSshd(options),
    (sshd) => sshd.stop(),
  );

/** A fresh folder for the enclosing block (WARs, keys, config files), removed afterwards. */
export const useFolder = (): (() => string) =>
  started(
    'The folder',
    () => mkdtemp(join(tmpdir(), 'tomcat-pd-ssh-faults-')),
    (dir) => rm(dir, { recursive: true, force: true }),
  );

/** How one CLI run reaches Tomcat: through `sshd`, with this key and these known hosts. */
export interface ThroughSsh {
  readonly sshd: SshdInstance;
  readonly knownHosts: string;
  /** Default: the key sshd authorizes. */
  readonly keyFile?: string;
  /** The Manager URL as seen from sshd's host; default the Tomcat's own. */
  readonly url?: string;
}

/**
 * `tomcat-pd ARGS --url U --user USER --ssh user@127.0.0.1:PORT --ssh-key K --ssh-known-hosts F`
 * with the Manager password in the environment and no SSH agent (only the key given counts):
 * the arguments and options of {@link runCli} or {@link spawnCli}.
 */
export function throughSsh(
  tomcat: LocalTomcatInstance,
  args: readonly string[],
  via: ThroughSsh,
  options: CliOptions = {},
): [string[], CliOptions] {
  const { sshd } = via;
  const connection = ['--url', via.url ?? tomcat.managerUrl, '--user', tomcat.user];
  const ssh = ['--ssh', sshd.destination, '--ssh-key', via.keyFile ?? sshd.clientKeyFile];
  return [
    [...args, ...connection, ...ssh, '--ssh-known-hosts', via.knownHosts],
    { ...options, env: { TOMCAT_PD_PASSWORD: tomcat.password, SSH_AUTH_SOCK: undefined, ...options.env } },
  ];
}

/** Runs {@link throughSsh}'s command to its end. */
export const cliThroughSsh = (...command: Parameters<typeof throughSsh>): Promise<CliResult> =>
  runCli(...throughSsh(...command));

/** An error as `--json` prints it in a report (the typed fields of a whole command's error aside). */
export interface ErrorDocument {
  code: string;
  message: string;
  hint?: string;
}

/** The one target's error of a `status --json` report, after checking the exit code. */
export function statusErrorOf(result: CliResult, expectedCode: number): ErrorDocument {
  const { errors } = jsonOf<{ errors: { error: ErrorDocument }[] }>(result, expectedCode);
  if (errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(errors)}`);
  return errors[0]!.error;
}

/** The error of a command that failed as a whole (`{ "error": ... }`), after checking the exit code. */
export function errorOf(result: CliResult, expectedCode: number): ErrorDocument {
  return jsonOf<{ error: ErrorDocument }>(result, expectedCode).error;
}
