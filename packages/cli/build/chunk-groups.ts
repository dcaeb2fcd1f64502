/** What the chunk grouping needs of a chunk of a first, default build (rolldown's OutputChunk). */
export interface BuiltChunk {
  fileName: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  facadeModuleId: string | null;
  imports: readonly string[];
  moduleIds: readonly string[];
}

/**
 * `start`: what the entry loads at once; `reads`: what a reading command needs; `changes`: what
 * the commands that change Tomcat need besides; `balancers`: what only the balancers' commands need.
 */
export type ChunkGroup = 'start' | 'reads' | 'changes' | 'balancers';

/**
 * Which chunk each module goes to, read from a default build of the same input. Node 20's
 * ES module loader spends ~0.2 ms on each module a start loads (bench/RESULTS.md: start-up), and
 * the default splitting makes a chunk for each set of parts that share modules: ~16 modules on
 * every start, ~20 more for `status`. Grouped, what the entry loads at once is one chunk; what the
 * lazily loaded parts share is two: what a reading command needs (`loadedToRead`: status, the runner...), and
 * what only the commands that change Tomcat need, so that a status does not compile a deploy's
 * code. Each lazily loaded part keeps its own chunk for what it alone needs.
 */
export function chunkGroups(
  chunks: readonly BuiltChunk[],
  loadedToRead: (facadeModuleId: string) => boolean,
  /**
   * What the balancers' commands load (lb, restart, serve's watch of the balancers): given, what
   * only they need is a group apart, which a deploy or a check never loads.
   */
  loadedForBalancers?: (facadeModuleId: string) => boolean,
): Map<string, ChunkGroup> {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const closure = (roots: readonly string[]) => {
    const reached = new Set<BuiltChunk>();
    const pending = [...roots];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      const chunk = byFile.get(file);
      if (chunk === undefined || reached.has(chunk)) continue;
      reached.add(chunk);
      pending.push(...chunk.imports);
    }
    return reached;
  };
  const atStart = closure(chunks.filter((chunk) => chunk.isEntry).flatMap((chunk) => chunk.imports));
  const loadedBy = (loaded: (facadeModuleId: string) => boolean) =>
    closure(
      chunks
        .filter((chunk) => chunk.isDynamicEntry && loaded(chunk.facadeModuleId ?? ''))
        .flatMap((chunk) => chunk.imports),
    );
  const forReading = loadedBy(loadedToRead);
  const forOthers = loadedForBalancers === undefined ? undefined : loadedBy((id) => !loadedForBalancers(id));
  const groups = new Map<string, ChunkGroup>();
  for (const chunk of chunks) {
    if (chunk.isEntry || (chunk.isDynamicEntry && !atStart.has(chunk))) continue;
    const group = atStart.has(chunk)
      ? 'start'
      : forReading.has(chunk)
        ? 'reads'
        : forOthers === undefined || forOthers.has(chunk)
          ? 'changes'
          : 'balancers';
    for (const id of chunk.moduleIds) groups.set(id, group);
  }
  return groups;
}
