import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ParseError } from 'jsonc-parser';
import { UsageError } from '@tomcat-pd/core';
import { validateBalancers, type BalancerConfig } from './balancer-config.js';
import { parseDuration } from './flags/flag-values.js';
import { DEFAULT_HOOK_TIMEOUT_MS, HOOK_NAMES, type HooksConfig } from './hooks/hook-config.js';

/** One target of the config file: `{ "name": "web1", "url": "...", "user": "...", "passwordEnv": "VAR" }`. */
export interface TargetConfig {
  name: string;
  url: string;
  user?: string;
  /** The environment variable that holds this target's password. */
  passwordEnv?: string;
  /** A file whose first line is this target's password. */
  passwordFile?: string;
  /** Where visitors reach this target's Tomcat, for probes (`http://web1:8080`). */
  appUrl?: string;
  /** PEM file of the certificate authorities to trust for this `https://` target. */
  caFile?: string;
  /** PEM files of a client certificate and its key, for a connector that asks for one. */
  certFile?: string;
  keyFile?: string;
  /** Reach this target through SSH: `user@host[:port]`; its `url` is then as seen from that host. */
  ssh?: string;
  /** The SSH private key (else the agent); the config's `defaults.sshKeyFile` when absent. */
  sshKeyFile?: string;
  /** The known hosts file (default `~/.ssh/known_hosts`); the config's `defaults.sshKnownHosts` when absent. */
  sshKnownHosts?: string;
}

/** The files of the SSH settings, in a target, a balancer or the defaults. */
export const SSH_FILE_KEYS = ['sshKeyFile', 'sshKnownHosts'] as const;

/** The SSH settings a target or a balancer may take; the defaults may give the files. */
export const SSH_KEYS = ['ssh', ...SSH_FILE_KEYS] as const;

export interface ConfigFile {
  /** Where it was read from, for messages. */
  source: string;
  targets: TargetConfig[];
  /** The load balancers in front of the targets (the lb commands). */
  balancers: BalancerConfig[];
  /** Webhook URLs that get each change's documents (README: Notifications); secrets, never printed whole. */
  notify?: string[] | undefined;
  /** The audit file (found from the config file's folder); `--audit-log` beats it. */
  auditLog?: string | undefined;
  /** Shell commands run once per change at its moments (README: Hooks). */
  hooks?: HooksConfig | undefined;
  /** `probe` and `smoke`: the paths every deploy probes, for teams that always probe. */
  defaults: {
    path?: string;
    width?: number;
    probe?: string[];
    smoke?: string[];
    sshKeyFile?: string;
    sshKnownHosts?: string;
  };
}

export const DEFAULT_CONFIG_FILE = 'tomcat-pd.json';

/**
 * Reads `--config FILE`, or `tomcat-pd.json` in the working directory when present. A file that
 * is not valid JSON, or not of the documented shape, is a usage error that says where.
 */
export async function loadConfigFile(
  explicit: string | undefined,
  cwd = process.cwd(),
): Promise<ConfigFile | undefined> {
  const file = resolve(cwd, explicit ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  return validateConfig(await parseJson(text, file), file);
}

async function parseJson(text: string, file: string): Promise<unknown> {
  // JSON.parse on Node 20 gives no position for most mistakes; jsonc-parser gives the offset.
  // Loaded only when there is a config file: most runs in CI take their target from the environment.
  const { parse, printParseErrorCode } = await import('jsonc-parser');
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  const [first] = errors;
  if (first !== undefined) {
    throw new UsageError(
      `The config file ${file} is not valid JSON at ${lineAndColumn(text, first.offset)}: ` +
        `${inWords(printParseErrorCode(first.error))}.`,
    );
  }
  return value;
}

/** The parser's names of the mistakes people make in a config file, in words; others as named. */
const JSON_MISTAKES: Readonly<Record<string, string>> = {
  PropertyNameExpected: 'a property name in double quotes was expected (a comma before } is not allowed)',
  ValueExpected: 'a value was expected (a comma before ] is not allowed)',
  InvalidSymbol: 'unexpected text (text values need double quotes)',
  CommaExpected: 'a comma was expected between two entries',
  ColonExpected: 'a colon was expected after the property name',
  CloseBraceExpected: 'a closing } is missing',
  CloseBracketExpected: 'a closing ] is missing',
  EndOfFileExpected: 'unexpected text after the end of the document',
  UnexpectedEndOfString: 'a string is not closed by a double quote',
};

function inWords(mistake: string): string {
  return JSON_MISTAKES[mistake] ?? mistake;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

const TOP_KEYS = new Set(['targets', 'balancers', 'defaults', 'notify', 'auditLog', 'hooks']);
const TARGET_KEYS = new Set([
  'name',
  'url',
  'user',
  'passwordEnv',
  'passwordFile',
  'caFile',
  'appUrl',
  'certFile',
  'keyFile',
  ...SSH_KEYS,
]);
const DEFAULT_KEYS = new Set(['path', 'width', 'probe', 'smoke', ...SSH_FILE_KEYS]);

function validateConfig(value: unknown, file: string): ConfigFile {
  const fail = (problem: string) => new UsageError(`The config file ${file}: ${problem}`);
  if (!isObject(value)) throw fail('it must be a JSON object.');
  checkKeys(value, TOP_KEYS, '', fail);
  const targets = value.targets ?? [];
  if (!Array.isArray(targets)) throw fail('"targets" must be an array.');
  const defaults = value.defaults ?? {};
  if (!isObject(defaults)) throw fail('"defaults" must be an object.');
  checkKeys(defaults, DEFAULT_KEYS, 'defaults.', fail);
  if (defaults.path !== undefined && typeof defaults.path !== 'string')
    throw fail('"defaults.path" must be a string.');
  if (defaults.width !== undefined && !Number.isInteger(defaults.width))
    throw fail('"defaults.width" must be a whole number.');
  for (const key of SSH_FILE_KEYS) {
    if (defaults[key] !== undefined && typeof defaults[key] !== 'string')
      throw fail(`"defaults.${key}" must be a string.`);
  }
  for (const key of ['probe', 'smoke'] as const) {
    const paths = defaults[key];
    if (paths !== undefined && (!Array.isArray(paths) || !paths.every((path) => typeof path === 'string')))
      throw fail(`"defaults.${key}" must be an array of paths, e.g. ["/health"].`);
  }
  const checked = targets.map((target, index) =>
    withFilesFrom(dirname(file), validateTarget(target, index, fail), FILE_KEYS),
  );
  const names = checked.map((target) => target.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw fail(`the target name "${duplicate}" is used twice.`);
  const balancers = validateBalancers(value.balancers, dirname(file), fail);
  const hooks = validateHooks(value.hooks, dirname(file), fail);
  return {
    source: file,
    targets: checked,
    balancers,
    defaults: withFilesFrom(dirname(file), defaults, SSH_FILE_KEYS),
    ...withFilesFrom(dirname(file), validateEventSinks(value, fail), ['auditLog']),
    ...(hooks === undefined ? {} : { hooks }),
  };
}

const HOOK_KEYS = new Set<string>([...HOOK_NAMES, 'timeout']);

/**
 * `hooks`: a shell command for each moment that has one, and `timeout` (a duration, for each run
 * of a hook). A misspelt moment would never run: it is refused, naming the known ones.
 */
function validateHooks(
  value: unknown,
  folder: string,
  fail: (problem: string) => Error,
): HooksConfig | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw fail('"hooks" must be an object, e.g. { "before-deploy": "./migrate.sh" }.');
  checkKeys(value, HOOK_KEYS, 'hooks.', fail);
  const commands: Partial<Record<(typeof HOOK_NAMES)[number], string>> = {};
  for (const name of HOOK_NAMES) {
    const command = value[name];
    if (command === undefined) continue;
    if (typeof command !== 'string' || command.trim() === '')
      throw fail(`"hooks.${name}" must be a shell command (a non-empty string).`);
    commands[name] = command;
  }
  const timeoutMs = hookTimeout(value.timeout, fail);
  // No command: nothing to load or run.
  return Object.keys(commands).length === 0 ? undefined : { commands, timeoutMs, cwd: folder };
}

function hookTimeout(value: unknown, fail: (problem: string) => Error): number {
  if (value === undefined) return DEFAULT_HOOK_TIMEOUT_MS;
  const problem = '"hooks.timeout" must be a duration such as 30s, 5m or 1h.';
  if (typeof value !== 'string') throw fail(problem);
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration(value, 'hooks.timeout');
  } catch {
    throw fail(problem);
  }
  if (timeoutMs <= 0) throw fail(problem);
  return timeoutMs;
}

/** `notify` (http or https URLs) and `auditLog` (a file); a URL is not quoted back: it holds a token. */
function validateEventSinks(
  value: Record<string, unknown>,
  fail: (problem: string) => Error,
): Pick<ConfigFile, 'notify' | 'auditLog'> {
  const { notify, auditLog } = value;
  if (notify !== undefined && !Array.isArray(notify))
    throw fail('"notify" must be an array of webhook URLs.');
  (notify ?? []).forEach((url: unknown, index: number) => {
    if (typeof url !== 'string' || !URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol))
      throw fail(`notify[${index}] must be an http:// or https:// URL.`);
  });
  if (auditLog !== undefined && (typeof auditLog !== 'string' || auditLog === ''))
    throw fail('"auditLog" must be the name of a file.');
  return {
    ...(notify === undefined ? {} : { notify: notify as string[] }),
    ...(auditLog === undefined ? {} : { auditLog }),
  };
}

function validateTarget(target: unknown, index: number, fail: (problem: string) => Error): TargetConfig {
  const where = `targets[${index}]`;
  if (!isObject(target)) throw fail(`${where} must be an object.`);
  checkKeys(target, TARGET_KEYS, `${where}.`, fail);
  for (const key of TARGET_KEYS) {
    if (target[key] !== undefined && typeof target[key] !== 'string')
      throw fail(`${where}.${key} must be a string.`);
  }
  if (typeof target.name !== 'string' || target.name === '') throw fail(`${where} needs a "name".`);
  if (typeof target.url !== 'string' || target.url === '')
    throw fail(`${where} ("${target.name}") needs a "url".`);
  if (target.passwordEnv !== undefined && target.passwordFile !== undefined) {
    throw fail(`${where} ("${target.name}") has both passwordEnv and passwordFile; keep one.`);
  }
  return target as unknown as TargetConfig;
}

const FILE_KEYS = ['passwordFile', 'caFile', 'certFile', 'keyFile', ...SSH_FILE_KEYS] as const;

/** A file named in the config file is found from the config file's folder, not the working directory. */
export function withFilesFrom<T extends object>(folder: string, entry: T, keys: readonly string[]): T {
  const resolved = { ...entry } as Record<string, unknown>;
  for (const key of keys) {
    const value = resolved[key];
    if (typeof value === 'string') resolved[key] = resolve(folder, value);
  }
  return resolved as T;
}

function checkKeys(
  object: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  prefix: string,
  fail: (problem: string) => Error,
): void {
  const unknown = Object.keys(object).find((key) => !allowed.has(key));
  if (unknown !== undefined) {
    throw fail(`unknown key "${prefix}${unknown}" (known: ${[...allowed].join(', ')}).`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
