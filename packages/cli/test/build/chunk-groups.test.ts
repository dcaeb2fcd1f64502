import { describe, expect, it } from 'vitest';
import { chunkGroups, type BuiltChunk } from '../../build/chunk-groups.js';

function chunk(fileName: string, fields: Partial<BuiltChunk> = {}): BuiltChunk {
  return {
    fileName,
    isEntry: false,
    isDynamicEntry: false,
    facadeModuleId: null,
    imports: [],
    moduleIds: [`/m/${fileName}.ts`],
    ...fields,
  };
}

// A default build in miniature: the entry with the help's modules, a reading and a changing
// command, the runner beside both, and a lazily loaded part of the changing one.
const chunks: BuiltChunk[] = [
  chunk('cli', { isEntry: true, imports: ['flags', 'defaults'] }),
  chunk('flags', { imports: ['defaults'], moduleIds: ['/m/commander.js', '/m/flags.ts'] }),
  chunk('defaults'),
  chunk('status', {
    isDynamicEntry: true,
    facadeModuleId: '/src/actions/status.ts',
    imports: ['fleet', 'defaults'],
  }),
  chunk('deploy', {
    isDynamicEntry: true,
    facadeModuleId: '/src/actions/deploy.ts',
    imports: ['fleet', 'plan'],
  }),
  chunk('runner', { isDynamicEntry: true, facadeModuleId: '/src/run-command.ts', imports: ['client'] }),
  chunk('fleet'),
  chunk('plan', { imports: ['client'] }),
  chunk('client'),
  chunk('zip', { isDynamicEntry: true, facadeModuleId: '/m/zip.js' }),
];

const isLoadedToRead = (id: string) => /(actions\/status|run-command)\.ts$/.test(id);

describe('chunkGroups', () => {
  const groups = chunkGroups(chunks, isLoadedToRead);

  it('puts what the entry loads at once into start, its own modules staying in the entry', () => {
    expect(groups.get('/m/commander.js')).toBe('start');
    expect(groups.get('/m/flags.ts')).toBe('start');
    expect(groups.get('/m/defaults.ts')).toBe('start');
    expect(groups.has('/m/cli.ts')).toBe(false);
  });

  it('puts what a reading command or the runner shares into reads, what only a change needs into changes', () => {
    expect(groups.get('/m/fleet.ts')).toBe('reads');
    expect(groups.get('/m/client.ts')).toBe('reads');
    expect(groups.get('/m/plan.ts')).toBe('changes');
  });

  it('leaves each lazily loaded part in a chunk of its own', () => {
    for (const own of ['status', 'deploy', 'runner', 'zip']) expect(groups.has(`/m/${own}.ts`)).toBe(false);
  });

  it("with the balancers' commands named, puts what only they load in a group apart, and what they share with others where it was", () => {
    const withBalancers: BuiltChunk[] = [
      ...chunks,
      chunk('lb-drain', {
        isDynamicEntry: true,
        facadeModuleId: '/src/actions/lb-drain.ts',
        imports: ['lb-layer', 'plan'],
      }),
      chunk('restart', {
        isDynamicEntry: true,
        facadeModuleId: '/src/actions/restart.ts',
        imports: ['lb-layer'],
      }),
      chunk('lb-layer'),
    ];
    const split = chunkGroups(withBalancers, isLoadedToRead, (id) =>
      /actions\/(lb-drain|restart)\.ts$/.test(id),
    );
    expect(split.get('/m/lb-layer.ts')).toBe('balancers');
    expect(split.get('/m/plan.ts')).toBe('changes');
    expect(split.get('/m/fleet.ts')).toBe('reads');
  });
});
