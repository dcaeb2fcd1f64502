import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createManagerClient } from '@tomcat-pd/core';
import type { ManagerClient } from '@tomcat-pd/core';
import { startLocalTomcat } from '@tomcat-pd/testkit/local-tomcat';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { startTogether } from '@tomcat-pd/testkit/start-tomcat';

/** What a CLI run needs to reach one Manager: its URL (maybe a proxy's) and the user. */
export interface ManagerTarget {
  managerUrl: string;
  user: string;
  password: string;
}

/**
 * Starts `count` local Tomcats at once (start-up is mostly waiting on the JVM, so in parallel
 * it takes little longer than one). If one fails, the others are stopped before the error is
 * thrown, so that no JVM outlives the benchmark.
 */
export function startTomcats(count: number): Promise<LocalTomcatInstance[]> {
  return startTogether(Array.from({ length: count }, () => startLocalTomcat()));
}

/** Stops every Tomcat (and removes its CATALINA_BASE), even when one stop fails. */
export async function stopTomcats(tomcats: readonly LocalTomcatInstance[]): Promise<void> {
  await Promise.allSettled(tomcats.map((tomcat) => tomcat.stop()));
}

/** A library client of one Tomcat, for the untimed set-up and clean-up around measurements. */
export function clientOf(target: ManagerTarget, name = 'bench'): ManagerClient {
  return createManagerClient({ name, url: target.managerUrl, user: target.user, password: target.password });
}

/** Undeploys every version of `path` (clean-up after a measured deploy; not timed). */
export async function undeployAll(client: ManagerClient, path: string): Promise<void> {
  const versions = (await client.list()).filter((entry) => entry.path === path);
  for (const entry of versions) await client.undeploy({ path, version: entry.version });
}

/**
 * The environment of a CLI child: ours without any TOMCAT_PD_* variable (the environment beats
 * the config file, so a variable left in the shell would redirect the benchmark), plus `extra`.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TOMCAT_PD_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The environment that points the CLI at one Manager (the password never on a command line). */
export function targetEnv(target: ManagerTarget): NodeJS.ProcessEnv {
  return cliEnv({
    TOMCAT_PD_URL: target.managerUrl,
    TOMCAT_PD_USER: target.user,
    TOMCAT_PD_PASSWORD: target.password,
  });
}

/** A config file written by `writeTargetsConfig`, and the environment its `passwordEnv`s need. */
export interface TargetsConfig {
  configFile: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Writes a config file naming the targets `t1`, `t2`, ... in order, each with `passwordEnv`
 * (the README's recommended form) and the keys of `shared` (`ssh`, ...), and returns it with the
 * environment that holds the passwords.
 */
export async function writeTargetsConfig(
  dir: string,
  fileName: string,
  targets: readonly ManagerTarget[],
  shared: Record<string, string> = {},
): Promise<TargetsConfig> {
  const passwords: Record<string, string> = {};
  const entries = targets.map((target, i) => {
    const passwordEnv = `BENCH_TARGET_${i + 1}_PASSWORD`;
    passwords[passwordEnv] = target.password;
    return { name: `t${i + 1}`, url: target.managerUrl, user: target.user, passwordEnv, ...shared };
  });
  const configFile = join(dir, fileName);
  await writeFile(configFile, `${JSON.stringify({ targets: entries }, null, 2)}\n`);
  return { configFile, env: cliEnv(passwords) };
}
