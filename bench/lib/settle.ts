import { cpuTimesSince, machineCpuTimes } from './proc-stat.js';

const QUIET_SHARE = 0.15;
const PROBE_MS = 250;

/**
 * Waits until the machine is quiet: less than 15% of all cores' time busy over 250 ms, or
 * `maxMs` at most. Called after the untimed clean-up of a run: an undeploy returns before
 * Tomcat has finished with it (deleting the unpacked app, collecting garbage), and that work
 * would otherwise be charged to whatever is measured next.
 */
export async function waitForQuiet(cores: number, maxMs = 5_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const before = await machineCpuTimes();
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
    const { busy } = cpuTimesSince(before, await machineCpuTimes());
    if (busy / ((PROBE_MS / 1000) * cores) < QUIET_SHARE) return;
  }
}
