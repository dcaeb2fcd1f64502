import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import type { FleetOperationError } from '../../../src/errors/error-classes.js';
import { fleetRollback } from '../../../src/ops/rollback/fleet-rollback.js';
import { entry, fakeFleet as fleet } from '../../helpers/fake-client.js';

describe('fleetRollback', () => {
  it('rolls back every target', async () => {
    const targets = fleet([entry('/a', '001'), entry('/a', '002')], [entry('/a', '001'), entry('/a', '002')]);
    const result = await fleetRollback(targets, { path: '/a' });
    expect(result.targets.map((t) => [t.target, t.live])).toEqual([
      ['web1', '001'],
      ['web2', '001'],
    ]);
  });

  it('changes nothing when one target would be left without an older running version', async () => {
    const targets = fleet([entry('/a', '001'), entry('/a', '002')], [entry('/a', '002')]);
    const error = (await fleetRollback(targets, { path: '/a' }).catch(
      (e: unknown) => e,
    )) as FleetOperationError;
    expect(error).toMatchObject({
      code: ErrorCode.unsafe,
      message: expect.stringMatching(/web2.*Nothing was changed/),
    });
    expect(error.targets.map((t) => t.outcome)).toEqual(['not-started', 'failed']);
    expect(targets.flatMap((t) => t.changes)).toEqual([]);
  });
});
