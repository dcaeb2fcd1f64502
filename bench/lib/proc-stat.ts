import { readFile } from 'node:fs/promises';

/**
 * Linux's USER_HZ: /proc reports CPU times in ticks of 1/100 s on every mainstream architecture
 * (`getconf CLK_TCK`), whatever the kernel's internal HZ.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The numeric fields of /proc/PID/stat after the command name. The name (in parentheses) may
 * itself hold spaces and parentheses, so the fields start after the LAST `)`; index 0 is then
 * field 3 (state) of proc(5).
 */
async function statFields(pid: number | 'self'): Promise<string[]> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  return text
    .slice(text.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
}

/** proc(5) field number (1-based, as in the man page) → index in `statFields`. */
const field = (fields: string[], number: number): number => Number(fields[number - 3]);

/** CPU seconds (user + system, fields 14 and 15) a process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const fields = await statFields(pid);
  return (field(fields, 14) + field(fields, 15)) / CLOCK_TICKS_PER_SECOND;
}

/** The summed CPU seconds of several processes (the Tomcat JVMs of a fleet). */
export async function totalCpuSeconds(pids: readonly number[]): Promise<number> {
  const each = await Promise.all(pids.map((pid) => cpuSeconds(pid)));
  return each.reduce((sum, value) => sum + value, 0);
}

/**
 * CPU seconds of this process's children that have exited and been waited for (cutime + cstime,
 * fields 16 and 17). Node reaps a child before it emits 'exit', so the difference around one
 * measured run is the CPU that run's client (curl or tomcat-pd) used, for which Node has no API.
 */
export async function reapedChildrenCpuSeconds(): Promise<number> {
  const fields = await statFields('self');
  return (field(fields, 16) + field(fields, 17)) / CLOCK_TICKS_PER_SECOND;
}

/** The resident set size (VmRSS, in KB) of a running process, from /proc/PID/status. */
export async function residentKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** Seconds the whole machine's CPUs spent, by state, since boot (the `cpu` line of /proc/stat). */
export interface MachineCpuTimes {
  /** user + nice + system + irq + softirq: running something, any process or the kernel. */
  busy: number;
  /** Idle while some process waited for disk I/O. */
  iowait: number;
  /** Taken by the hypervisor for other guests (a virtual machine's cores are not all its own). */
  steal: number;
  idle: number;
}

export async function machineCpuTimes(): Promise<MachineCpuTimes> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((ticks) => Number(ticks) / CLOCK_TICKS_PER_SECOND);
  return {
    busy: (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0),
    iowait: iowait ?? 0,
    steal: steal ?? 0,
    idle: idle ?? 0,
  };
}

/** `after - before`, state by state. */
export function cpuTimesSince(before: MachineCpuTimes, after: MachineCpuTimes): MachineCpuTimes {
  return {
    busy: after.busy - before.busy,
    iowait: after.iowait - before.iowait,
    steal: after.steal - before.steal,
    idle: after.idle - before.idle,
  };
}
