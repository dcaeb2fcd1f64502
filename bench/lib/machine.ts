import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { CATALINA_HOME } from '@tomcat-pd/testkit/local-tomcat';

const run = promisify(execFile);

/** What a command prints on stdout; empty when it cannot run. */
const output = (file: string, args: readonly string[]) =>
  run(file, args).then(
    ({ stdout }) => stdout,
    () => '',
  );

/** The value of the first line of `text` that `line` matches (its group 1), or 'unknown'. */
const field = (text: string, line: RegExp) => line.exec(text)?.[1]?.trim() ?? 'unknown';

/**
 * The machine the figures come from: CPU, memory, system, Node, and the Tomcat, JVM and curl
 * the benchmarks run (Tomcat's own ServerInfo, from the catalina.jar the harness starts).
 */
export async function describeMachine(): Promise<Record<string, string>> {
  const [cpuinfo, osRelease, serverInfo, curl] = await Promise.all([
    readFile('/proc/cpuinfo', 'utf8').catch(() => ''),
    readFile('/etc/os-release', 'utf8').catch(() => ''),
    output('java', ['-cp', `${CATALINA_HOME}/lib/catalina.jar`, 'org.apache.catalina.util.ServerInfo']),
    output('curl', ['--version']),
  ]);
  return {
    cpu: `${field(cpuinfo, /^model name\s*:(.+)$/m)}, ${cpus().length} logical cores`,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GB`,
    os: `${field(osRelease, /^PRETTY_NAME="?([^"\n]*)"?$/m)}, Linux ${release()}`,
    node: process.version,
    tomcat: field(serverInfo, /^Server version:(.+)$/m),
    jvm: field(serverInfo, /^JVM Version:(.+)$/m),
    curl: field(curl, /^curl (\S+)/),
  };
}
