import { createManagerClient, UsageError, type ManagerClient, type TransportOptions } from '@tomcat-pd/core';
import type { Balancer } from '@tomcat-pd/core/balancers';
import type { HeldLock } from '@tomcat-pd/core/internal';
import { balancerOptions } from './balancer-config.js';
import type { ConfigFile } from './config-file.js';
import { resolveTargets, type ResolvedTarget } from './connection.js';
import { connectionWarnings, loadTls } from './tls-setup.js';
import { parseDuration, parseWholeNumber } from './flags/flag-values.js';
import type { GlobalOptions } from './global-options.js';
import type { Output } from './output.js';

/** What a command needs besides its own input: output, a client per target, a signal. */
export interface CliContext {
  output: Output;
  /** Aborted on SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Every selected target's Manager (`--target`, default all of the config file's). */
  clients(): Promise<ManagerClient[]>;
  /** How many targets are worked on at once (`--parallel`); the core's default when not given. */
  parallel: number | undefined;
  /** The names `--target` gives, in its order (`restart` goes in that order); undefined without it. */
  targetOrder?: readonly string[] | undefined;
  /** The config file's balancers (`--timeout` for each exchange), their credentials read from the environment. */
  balancers(): Promise<Balancer[]>;
  /** The config file's defaults (empty without a config file). */
  defaults: ConfigFile['defaults'];
  /** The config file as read, for a command that renders from it (`lb config`); none without one. */
  config: ConfigFile | undefined;
  /** The release lock the command holds (docs/lock.md); set by run-command for a command that declares one. */
  heldLock?: HeldLock | undefined;
}

/** The global options that are values to check: part of the command line. */
export interface GlobalValues {
  transport: Pick<TransportOptions, 'timeoutMs' | 'retries'>;
  parallel: number | undefined;
  /** `--lock-wait` and `--lock-ttl`, for the commands that take the release lock. */
  lock: { waitMs: number | undefined; ttlMs: number | undefined };
}

/** Checks `--timeout`, `--retries`, `--parallel`, `--lock-wait` and `--lock-ttl`; a usage error names the flag. */
export function parseGlobalValues(options: GlobalOptions): GlobalValues {
  const number = (text: string | undefined, flag: string, min = 0) =>
    text === undefined ? undefined : parseWholeNumber(text, flag, min);
  return {
    transport: {
      timeoutMs: options.timeout === undefined ? undefined : parseDuration(options.timeout, '--timeout'),
      retries: number(options.retries, '--retries'),
    },
    parallel: number(options.parallel, '--parallel', 1),
    lock: {
      waitMs: options.lockWait === undefined ? undefined : parseDuration(options.lockWait, '--lock-wait'),
      ttlMs: options.lockTtl === undefined ? undefined : parseDuration(options.lockTtl, '--lock-ttl'),
    },
  };
}

export function createContext(
  options: GlobalOptions,
  values: GlobalValues,
  config: ConfigFile | undefined,
  output: Output,
  signal: AbortSignal,
): CliContext {
  const insecure = options.insecure ?? false;
  const connect = async (target: ResolvedTarget) => {
    for (const warning of connectionWarnings(target.url, insecure, target.tlsFiles)) output.warn(warning);
    return createManagerClient(target, {
      ...values.transport,
      logger: output.logger,
      appUrl: target.appUrl,
      tls: await loadTls(target, insecure),
    });
  };
  // One set of clients per run: the release lock and the command work on the same ones, and a
  // password from standard input is read once.
  let clients: Promise<ManagerClient[]> | undefined;
  return {
    output,
    signal,
    parallel: values.parallel,
    targetOrder: options.target
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    clients() {
      clients ??= resolveTargets(options, config, readStdin).then((targets) =>
        Promise.all(targets.map(connect)),
      );
      return clients;
    },
    defaults: config?.defaults ?? {},
    config,
    async balancers() {
      const configured = config?.balancers ?? [];
      if (configured.length === 0) {
        throw new UsageError(
          'No balancer is configured: add "balancers" to the config file (tomcat-pd.json).',
          {
            hint: 'README: "Behind a load balancer" shows one for each kind.',
          },
        );
      }
      // Loaded here: only the lb commands, and serve with balancers, need the balancers' layer.
      const { createBalancer } = await import('@tomcat-pd/core/balancers');
      const timeoutMs = values.transport.timeoutMs;
      return configured.map((balancer) =>
        createBalancer({
          ...balancerOptions(balancer, process.env, {
            ssh: {
              flags: { sshKeyFile: options.sshKey, sshKnownHosts: options.sshKnownHosts },
              defaults: config?.defaults ?? {},
            },
            logger: output.logger,
          }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        }),
      );
    },
  };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('--password-stdin reads the password from a pipe, not a terminal.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
