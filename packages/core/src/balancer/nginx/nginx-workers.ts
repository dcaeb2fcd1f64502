import { readdir, readFile } from 'node:fs/promises';

/**
 * nginx's worker processes that take new connections, as Linux's /proc shows them. After
 * `nginx -s reload` the master starts new workers, waits 100 ms, then tells the old ones to
 * shut down; each old worker then retitles itself `nginx: worker process is shutting down` and
 * closes its listening sockets in the same step (ngx_worker_process_cycle), serving only the
 * connections it holds. So an old worker that is gone, or has that title, takes no new request.
 */
export interface AcceptingWorkers {
  readonly master: number;
  readonly pids: readonly number[];
}

const WORKER_TITLE = 'nginx: worker process';
const MASTER_TITLE = 'nginx: master process';

/**
 * The workers beside `workerPid` (a worker's pid, which nginx's `$pid` gave), or undefined when
 * /proc does not show it as an nginx worker (another machine, another pid namespace: a container).
 */
export async function acceptingWorkersBeside(workerPid: number): Promise<AcceptingWorkers | undefined> {
  const worker = await processOf(workerPid);
  if (worker === undefined || !isAccepting(worker.title)) return undefined;
  const master = await processOf(worker.parent);
  if (master === undefined || !master.title.startsWith(MASTER_TITLE)) return undefined;
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const candidate = await processOf(Number(entry));
    if (candidate?.parent === worker.parent && isAccepting(candidate.title)) pids.push(Number(entry));
  }
  return { master: worker.parent, pids };
}

/** Those of `workers` that still take new connections: alive, the master's, not shutting down. */
export async function stillAccepting(workers: AcceptingWorkers): Promise<number[]> {
  const accepting: number[] = [];
  for (const pid of workers.pids) {
    const process = await processOf(pid);
    if (process?.parent === workers.master && isAccepting(process.title)) accepting.push(pid);
  }
  return accepting;
}

function isAccepting(title: string): boolean {
  return title.startsWith(WORKER_TITLE) && !title.includes('shutting down');
}

/** A process's parent and title, or undefined when it is gone or not readable. */
async function processOf(pid: number): Promise<{ parent: number; title: string } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command in parentheses may hold spaces and ")": the fields after the last ")" are fixed.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const title = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim();
    return Number.isInteger(parent) ? { parent, title } : undefined;
  } catch {
    return undefined;
  }
}
