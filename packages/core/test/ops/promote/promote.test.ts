import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import type { FleetOperationError } from '../../../src/errors/error-classes.js';
import { fleetDeploy, runResume, type FleetDeployContext } from '../../../src/ops/deploy/fleet-deploy.js';
import type { RolloutStep } from '../../../src/ops/deploy/rollout-steps.js';
import { abortRollout } from '../../../src/ops/promote/abort-rollout.js';
import { preparePromote } from '../../../src/ops/promote/promote.js';
import type { RolloutRecord } from '../../../src/ops/promote/rollout-record.js';
import { fleetRunContextOf } from '../../../src/ops/run-context.js';
import { entry, fakeFleet as fleet, type FakeManager } from '../../helpers/fake-client.js';
import { minimalWar, WEB_XML, zip } from '../../helpers/zip.js';

let war: string;
let otherWar: string;

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'tomcat-pd-promote-'));
  war = join(folder, 'shop.war');
  otherWar = join(folder, 'other.war');
  await writeFile(war, minimalWar());
  await writeFile(otherWar, zip({ 'WEB-INF/web.xml': WEB_XML, 'index.html': 'another build' }));
});

const context = { ...fleetRunContextOf({}), onProgress: undefined };

/** A promote: checked and planned, then run. */
const promoteRollout = async (
  targets: FakeManager[],
  spec: Parameters<typeof preparePromote>[1],
  running: FleetDeployContext,
) => runResume(await preparePromote(targets, spec, running), running);
const versions = (targets: FakeManager[]) => targets.map((t) => t.contexts.map((c) => c.version));

/** Deploys with `steps` up to its first manual pause, and gives the record a promote would read. */
async function paused(targets: FakeManager[], steps: RolloutStep[]): Promise<RolloutRecord> {
  const result = await fleetDeploy(targets, { path: '/shop', warFile: war, steps });
  if (result.paused === undefined) throw new Error('the rollout did not pause');
  return {
    ...result.paused,
    path: '/shop',
    version: result.version,
    buildId: undefined,
    probe: undefined,
    analysis: undefined,
    tag: undefined,
    actor: 'alice@ci',
    pausedAt: new Date(),
  };
}

const threeTargets = () => fleet([entry('/shop', '001')], [entry('/shop', '001')], [entry('/shop', '001')]);

describe('promoteRollout', () => {
  it('goes on from the step after the pause with the same version, and pauses again at the next', async () => {
    const targets = threeTargets();
    const record = await paused(targets, [
      { count: 1 },
      { pause: 'manual' },
      { count: 2 },
      { pause: 'manual' },
      { percent: 100 },
    ]);
    const second = await promoteRollout(targets, { record, warFile: war }, context);
    expect(second.targets.map((t) => [t.target, t.version])).toEqual([['web2', '002']]);
    expect(second.paused).toMatchObject({ afterStep: 2, steps: 3, took: ['web1', 'web2'] });
    expect(versions(targets)).toEqual([['001', '002'], ['001', '002'], ['001']]);
    const last = await promoteRollout(
      targets,
      { record: { ...record, ...second.paused }, warFile: war },
      context,
    );
    expect(last.paused).toBeUndefined();
    expect(versions(targets)).toEqual([
      ['001', '002'],
      ['001', '002'],
      ['001', '002'],
    ]);
  });

  it('refuses another WAR, naming both hashes, and changes nothing', async () => {
    const targets = threeTargets();
    const record = await paused(targets, [{ count: 1 }, { pause: 'manual' }, { percent: 100 }]);
    const before = targets.map((t) => t.changes.length);
    const error = (await preparePromote(targets, { record, warFile: otherWar }, context).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: string; rule: string; message: string };
    expect(error).toMatchObject({ code: ErrorCode.unsafe, rule: 'same-war' });
    expect(error.message).toContain(record.war.sha256.slice(0, 12));
    expect(error.message).toMatch(/its SHA-256 begins [0-9a-f]{12} .*Nothing was changed/);
    expect(targets.map((t) => t.changes.length)).toEqual(before);
  });

  it('refuses targets that are not the rollout’s, before anything is read', async () => {
    const targets = threeTargets();
    const record = await paused(targets, [{ count: 1 }, { pause: 'manual' }, { percent: 100 }]);
    await expect(
      promoteRollout(targets.slice(0, 2), { record, warFile: war }, context),
    ).rejects.toMatchObject({
      code: ErrorCode.usage,
      message: expect.stringMatching(/is on web1, web2, web3; the targets selected are web1, web2/),
    });
  });

  it('a failure after the pause undoes the version on the targets before it too', async () => {
    const targets = threeTargets();
    const record = await paused(targets, [{ count: 1 }, { pause: 'manual' }, { percent: 100 }]);
    targets[2]!.failToStart.add('002');
    const error = (await promoteRollout(targets, { record, warFile: war }, { ...context, parallel: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    )) as FleetOperationError;
    expect(error.message).toMatch(/failed on web3 \(step 2 of 2\)/);
    expect(error.targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'undone'],
      ['web3', 'failed'],
    ]);
    expect(versions(targets)).toEqual([['001'], ['001'], ['001']]);
  });
});

describe('abortRollout', () => {
  it('undeploys the version wherever the rollout put it, and says where it was not', async () => {
    const targets = threeTargets();
    const record = await paused(targets, [{ count: 2 }, { pause: 'manual' }, { percent: 100 }]);
    expect(versions(targets)).toEqual([['001', '002'], ['001', '002'], ['001']]);
    const result = await abortRollout(targets, record, context);
    expect(result).toEqual({
      path: '/shop',
      version: '002',
      targets: [
        { target: 'web1', outcome: 'undeployed' },
        { target: 'web2', outcome: 'undeployed' },
        { target: 'web3', outcome: 'absent' },
      ],
    });
    expect(versions(targets)).toEqual([['001'], ['001'], ['001']]);
  });
});
