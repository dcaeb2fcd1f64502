import { DEFAULT_PARALLEL, createManagerClient, usageError, type ManagerClient } from '@tomcat-pd/core';
import { loadConfigFile, type ConfigFile } from './config-file.js';
import { resolveTargets, type ResolvedTarget } from './connection.js';
import { connectionWarnings, loadTls } from './tls-setup.js';
import { parseDuration, parseWholeNumber } from './durations.js';
import type { GlobalOptions } from './global-options.js';
import type { Output } from './output.js';

/** What a command needs besides its own options: output, the config defaults, a client, a signal. */
export interface CliContext {
  output: Output;
  defaults: ConfigFile['defaults'];
  /** Aborted on SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Every selected target's Manager (`--target`, default all of the config file's). */
  clients(): Promise<ManagerClient[]>;
  /** How many targets are worked on at once (`--parallel`, default 4). */
  parallel: number;
  /** The app's path: `--path`, else the config file's default; a usage error without either. */
  requirePath(path: string | undefined): string;
}

export async function createContext(
  options: GlobalOptions,
  output: Output,
  signal: AbortSignal,
): Promise<CliContext> {
  const config = await loadConfigFile(options.config);
  const transport = {
    ...(options.timeout === undefined ? {} : { timeoutMs: parseDuration(options.timeout, '--timeout') }),
    ...(options.retries === undefined ? {} : { retries: parseWholeNumber(options.retries, '--retries') }),
    logger: output.logger,
  };
  const insecure = options.insecure ?? false;
  const connect = async (target: ResolvedTarget) => {
    for (const warning of connectionWarnings(target.url, insecure, target.tlsFiles)) output.warn(warning);
    return createManagerClient(target, { ...transport, tls: await loadTls(target, insecure) });
  };
  return {
    output,
    defaults: config?.defaults ?? {},
    signal,
    requirePath(path) {
      const chosen = path ?? config?.defaults.path;
      if (chosen === undefined)
        throw usageError('--path is required (or set defaults.path in tomcat-pd.json).');
      return chosen;
    },
    parallel:
      options.parallel === undefined ? DEFAULT_PARALLEL : parseWholeNumber(options.parallel, '--parallel', 1),
    async clients() {
      return Promise.all((await resolveTargets(options, config, readStdin)).map(connect));
    },
  };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw usageError('--password-stdin reads the password from a pipe, not a terminal.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
