import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, FleetOperationError } from '../src/errors/errors.js';
import { fleetDeploy } from '../src/ops/deploy/fleet-deploy.js';
import { parseRolloutSteps, rolloutWaves } from '../src/ops/deploy/rollout-steps.js';
import { entry, fakeFleet } from './helpers/fake-client.js';
import { minimalWar } from './helpers/zip.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `web${i + 1}`);

describe('rollout steps', () => {
  it('reads counts and shares', () => {
    expect(parseRolloutSteps('1, 25%,100%')).toEqual([{ count: 1 }, { percent: 25 }, { percent: 100 }]);
    for (const bad of ['0', '1,,100%', '150%', 'all', '-1', '1.5']) {
      expect(() => parseRolloutSteps(bad), bad).toThrowError(
        expect.objectContaining({ code: ErrorCode.usage }),
      );
    }
  });

  it('cuts the targets into waves in their order, shares rounded up, empty steps left out', () => {
    const steps = parseRolloutSteps('1,25%,100%');
    expect(rolloutWaves(names(8), { steps })).toEqual([
      ['web1'],
      ['web2'],
      ['web3', 'web4', 'web5', 'web6', 'web7', 'web8'],
    ]);
    // 25 % of three is one target: the step before already had it.
    expect(rolloutWaves(names(3), { steps })).toEqual([['web1'], ['web2', 'web3']]);
    expect(rolloutWaves(names(3), { canary: 1 })).toEqual([['web1'], ['web2', 'web3']]);
    expect(rolloutWaves(names(3), {})).toEqual([names(3)]);
  });

  it('refuses steps that go back or do not reach every target', () => {
    expect(() => rolloutWaves(names(4), { steps: parseRolloutSteps('50%,1,100%') })).toThrow(
      /may not go back/,
    );
    expect(() => rolloutWaves(names(4), { steps: parseRolloutSteps('1,2') })).toThrow(
      /must reach every target \(4\), not 2/,
    );
  });
});

describe('fleetDeploy with steps', () => {
  it('a failure at the second step undoes the version on every target, and says where it stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-steps-'));
    const war = join(dir, 'shop.war');
    await writeFile(war, minimalWar());
    const fleet = fakeFleet(...names(4).map(() => [entry('/shop', '001')]));
    fleet[1]!.failToStart.add('002');
    const error = await fleetDeploy(fleet, {
      path: '/shop',
      warFile: war,
      steps: parseRolloutSteps('1,50%,100%'),
    }).catch((e: unknown) => e as FleetOperationError);
    expect(error).toBeInstanceOf(FleetOperationError);
    expect((error as FleetOperationError).message).toMatch(/failed on web2 \(step 2 of 3\)/);
    expect((error as FleetOperationError).targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'failed'],
      ['web3', 'not-started'],
      ['web4', 'not-started'],
    ]);
    for (const untouched of fleet.slice(2)) expect(untouched.changes).toEqual([]);
    for (const tomcat of fleet) expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('canary and steps together are a usage error before anything is read', async () => {
    const fleet = fakeFleet([entry('/shop', '001')]);
    await expect(
      fleetDeploy(fleet, { path: '/shop', warFile: 'x.war', canary: 1, steps: parseRolloutSteps('1,100%') }),
    ).rejects.toMatchObject({ code: ErrorCode.usage });
    expect(fleet[0]!.calls).toEqual([]);
  });
});
