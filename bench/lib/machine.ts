import { readFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { curlVersion } from './curl.js';
import { clientOf, startTomcats, stopTomcats } from './tomcats.js';

/** The first `model name` of /proc/cpuinfo (os.cpus() reports the same, but may be empty in VMs). */
async function cpuModel(): Promise<string> {
  const info = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
}

/** `PRETTY_NAME` of /etc/os-release, e.g. `Debian GNU/Linux 12 (bookworm)`. */
async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? 'unknown';
}

/**
 * Tomcat's and the JVM's versions as the Manager reports them (`serverinfo`), from a Tomcat
 * started the way every benchmark starts its own, so they are the versions measured.
 */
async function serverVersions(): Promise<{ tomcat: string; jvm: string }> {
  const [tomcat] = await startTomcats(1);
  try {
    const { tomcatVersion, fields } = await clientOf(tomcat!).serverInfo();
    const vendor = fields['JVM Vendor'];
    const jvm = `${fields['JVM Version'] ?? 'unknown'}${vendor === undefined ? '' : ` (${vendor})`}`;
    return { tomcat: tomcatVersion, jvm };
  } finally {
    await stopTomcats([tomcat!]);
  }
}

/** The machine the figures come from, as markdown list items. */
export async function describeMachine(): Promise<string[]> {
  const [model, os, curl, server] = await Promise.all([
    cpuModel(),
    osName(),
    curlVersion(),
    serverVersions(),
  ]);
  const ramGb = totalmem() / 1024 ** 3;
  return [
    `CPU: ${model}, ${cpus().length} logical cores`,
    `RAM: ${ramGb.toFixed(1)} GB`,
    `OS: ${os}, Linux kernel ${release()}`,
    `Node: ${process.version}`,
    `Tomcat: ${server.tomcat}; JVM: ${server.jvm} (local instances from test/harness, -Xmx256m, SerialGC)`,
    // `curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19`, then libraries that
    // plain HTTP does not use.
    `curl: ${curl.split(' ').slice(0, 4).join(' ')}`,
  ];
}
