/**
 * The hooks of the config file (README: Hooks): the moments they run at and their checked config.
 * Apart from the code that runs them, so that reading a config file does not load it.
 */
export const HOOK_NAMES = [
  'before-deploy',
  'after-deploy',
  'after-rollback',
  'after-restart',
  'on-failure',
] as const;

export type HookName = (typeof HOOK_NAMES)[number];

/** How long one hook may run when `hooks.timeout` is not given: a migration can take minutes. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10 * 60_000;

/** The config file's `hooks`, checked. */
export interface HooksConfig {
  /** The shell command of each moment that has one, as the user wrote it (`sh -c` runs it). */
  readonly commands: Readonly<Partial<Record<HookName, string>>>;
  /** How long each run of a hook may take before its process group is killed. */
  readonly timeoutMs: number;
  /**
   * Where hooks run: the config file's folder, as files named in it are found from there, so that
   * a migration's relative paths are the repository's whatever folder a CI step runs in.
   */
  readonly cwd: string;
}
