import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as deploy from '../../src/actions/deploy.js';
import * as drain from '../../src/actions/drain.js';
import * as lbDrain from '../../src/actions/lb-drain.js';
import * as restart from '../../src/actions/restart.js';
import * as undeploy from '../../src/actions/undeploy.js';
import type { DeployFlags } from '../../src/commands/deploy.js';
import type { DrainFlags } from '../../src/commands/drain.js';
import type { LbDrainFlags } from '../../src/commands/lb.js';
import type { RestartFlags } from '../../src/commands/restart.js';
import type { UndeployFlags } from '../../src/commands/undeploy.js';
import type { CliContext } from '../../src/context.js';

// Which release lock each changing command declares (docs/lock.md): its app's, or the whole
// target's, and none for a run that changes nothing.
const line = <Flags>(flags: Partial<Flags>, args: unknown[] = []) => ({
  args,
  flags: flags as Flags,
  defaults: {},
});

/** A zip of one empty folder entry, stored: the least a WAR check accepts. */
function zipOfFolder(name: string): Buffer {
  const file = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(10, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(local.length + file.length, 16);
  return Buffer.concat([local, file, central, file, end]);
}

describe('the lock each command declares', () => {
  it("drain: the app's, the target's without --path, none for --dry-run and --every", () => {
    expect(drain.lock(drain.parse(line<DrainFlags>({ path: '/shop' })))).toMatchObject({
      scope: { kind: 'app', path: '/shop' },
      command: 'drain',
      skipUnreachable: true,
    });
    expect(drain.lock(drain.parse(line<DrainFlags>({})))).toMatchObject({ scope: { kind: 'target' } });
    expect(drain.lock(drain.parse(line<DrainFlags>({ path: '/shop', dryRun: true })))).toBeUndefined();
    expect(drain.lock(drain.parse(line<DrainFlags>({ path: '/shop', every: '1m' })))).toBeUndefined();
    expect(drain.lock(drain.parse(line<DrainFlags>({ path: '/shop', wait: true })))).toMatchObject({
      command: 'drain',
    });
  });

  it("undeploy: the app's, going on without a target that cannot be reached", () => {
    expect(undeploy.lock(undeploy.parse(line<UndeployFlags>({ path: '/shop', version: '001' })))).toEqual({
      scope: { kind: 'app', path: '/shop' },
      command: 'undeploy',
      skipUnreachable: true,
    });
  });

  it("lb drain: the target lock of the one target it names; restart: every target's, none for --dry-run", () => {
    expect(lbDrain.lock(lbDrain.parse(line<LbDrainFlags>({}, ['web2'])))).toEqual({
      scope: { kind: 'target' },
      command: 'lb-drain',
      targets: ['web2'],
    });
    expect(restart.lock(restart.parse(line<RestartFlags>({ exec: 'true' })))).toMatchObject({
      scope: { kind: 'target' },
      command: 'restart',
    });
    expect(restart.lock(restart.parse(line<RestartFlags>({ exec: 'true', dryRun: true })))).toBeUndefined();
  });

  it('deploy: the app lock, after its targets and its WAR were admitted; a missing WAR is refused before', async () => {
    const warnings: string[] = [];
    const clients = vi.fn(() => Promise.resolve([]));
    const context = {
      signal: new AbortController().signal,
      output: { logger: { warn: (text: string) => warnings.push(text) } },
      clients,
    } as unknown as CliContext;
    const dir = await mkdtemp(join(tmpdir(), 'lock-requests-'));
    const war = join(dir, 'shop.war');
    await writeFile(war, zipOfFolder('WEB-INF/'));
    await expect(
      deploy.lock(deploy.parse(line<DeployFlags>({ path: '/shop', check: false }, [war])), context),
    ).resolves.toEqual({
      scope: { kind: 'app', path: '/shop' },
      command: 'deploy',
    });
    await expect(
      deploy.lock(deploy.parse(line<DeployFlags>({ path: '/shop' }, [join(dir, 'missing.war')])), context),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    // The targets are made first: a mistake in them is found before the WAR is read.
    expect(clients).toHaveBeenCalledTimes(2);
  });
});
