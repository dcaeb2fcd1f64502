import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runCli, type CliOptions, type CliResult } from './cli-helpers.js';
import { startTogether, startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import type { TomcatInstance } from '@tomcat-pd/testkit/tomcat-instance';

// Three real Tomcats behind one config file, for the suites of fleet commands: each Tomcat has
// its own password, which each target names as its own variable (`PW_WEB1`, ...).

export const NAMES = ['web1', 'web2', 'web3'] as const;
export type Name = (typeof NAMES)[number];

/** A target of tomcat-pd.json. */
export interface ConfigTarget {
  name: string;
  url: string;
  user: string;
  passwordEnv: string;
  appUrl?: string;
}

export interface FleetFixture {
  readonly tomcats: Record<Name, TomcatInstance>;
  /** Holds tomcat-pd.json (and whatever else the suite writes there) and the WARs. */
  readonly dir: string;
  /** The passwords, one variable per target. */
  readonly env: Record<string, string>;
  /** The config target of `name`, with `changes` (another URL, an appUrl). */
  readonly target: (name: Name, changes?: Partial<ConfigTarget>) => ConfigTarget;
  /** `tomcat-pd ...args` in the config's folder: every target of tomcat-pd.json unless `--target` says. */
  readonly fleet: (args: readonly string[], options?: CliOptions) => Promise<CliResult>;
}

/**
 * Starts the three Tomcats for the test file, writes `tomcat-pd.json` with the targets `configure`
 * gives (default: the three as they are), and stops them afterwards.
 */
export function useFleet(
  configure: (fleet: FleetFixture) => Promise<ConfigTarget[] | void> | ConfigTarget[] | void = () => {},
): FleetFixture {
  let tomcats: Record<Name, TomcatInstance> | undefined;
  let dir: string | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The fleet fixture is not started (beforeAll failed).');
    return value;
  };
  const fixture: FleetFixture = {
    get tomcats() {
      return ready(tomcats);
    },
    get dir() {
      return ready(dir);
    },
    get env() {
      return Object.fromEntries(NAMES.map((name) => [passwordEnv(name), fixture.tomcats[name].password]));
    },
    target: (name, changes = {}) => ({
      name,
      url: fixture.tomcats[name].managerUrl,
      user: fixture.tomcats[name].user,
      passwordEnv: passwordEnv(name),
      ...changes,
    }),
    fleet: (args, options = {}) =>
      runCli(args, {
        ...options,
        cwd: fixture.dir,
        env: { ...fixture.env, ...options.env },
        timeoutMs: 60_000,
      }),
  };
  beforeAll(async () => {
    const [web1, web2, web3] = await startTogether([startTomcat(), startTomcat(), startTomcat()]);
    tomcats = { web1, web2, web3 };
    dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-fleet-'));
    const targets = (await configure(fixture)) ?? NAMES.map((name) => fixture.target(name));
    await writeFile(join(dir, 'tomcat-pd.json'), JSON.stringify({ targets }));
  });
  afterAll(async () => {
    await Promise.all(Object.values(tomcats ?? {}).map((tomcat) => tomcat.stop()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return fixture;
}

function passwordEnv(name: Name): string {
  return `PW_${name.toUpperCase()}`;
}
