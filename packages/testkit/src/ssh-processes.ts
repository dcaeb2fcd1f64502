import { readdirSync, readFileSync } from 'node:fs';

/** Each live process's parent, read from /proc/<pid>/stat (no procps needed). */
function parents(): Map<number, number> {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone since readdir
    }
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state !== 'Z') parentOf.set(Number(name), Number(ppid));
  }
  return parentOf;
}

/** The live (not zombie) children of `pid`. */
export function childrenOf(pid: number): number[] {
  return [...parents()].filter(([, parent]) => parent === pid).map(([child]) => child);
}

/** The live descendants of `pid`, children before grandchildren. */
export function descendantsOf(pid: number): number[] {
  const parentOf = parents();
  const found: number[] = [];
  let level = [pid];
  while (level.length > 0) {
    const above = new Set(level);
    level = [...parentOf].filter(([, parent]) => above.has(parent)).map(([child]) => child);
    found.push(...level);
  }
  return found;
}
