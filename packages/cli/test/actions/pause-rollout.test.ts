import { describe, expect, it } from 'vitest';
import type { ManagerClient, TomcatPdError } from '@tomcat-pd/core';
import { decodeRolloutRecord, type HeldLock } from '@tomcat-pd/core/internal';
import { pauseRollout, stillPausedOnFailure, takenOver } from '../../src/actions/pause-rollout.js';
import { fakeContext } from '../helpers/fake-context.js';
import { rolloutRecord } from '../helpers/rollout-record.js';

/** A held lock whose `pause` records its payloads, and fails when told to. */
function heldLock(paused?: string, pauseFails = false) {
  const pauses: string[] = [];
  const held = {
    lost: new AbortController().signal,
    paused: paused === undefined ? undefined : { payload: paused, actor: 'alice@ci', since: new Date() },
    pause: (payload: string) => {
      pauses.push(payload);
      return pauseFails ? Promise.reject(new Error('web2 did not answer')) : Promise.resolve();
    },
    release: () => Promise.resolve(),
  } satisfies HeldLock;
  return { held, pauses };
}

/** A Manager with /shop 004 deployed, which records its undeploys. */
function tomcat(name: string, versions: string[]) {
  const undeployed: string[] = [];
  const client = {
    name,
    managerUrl: `http://${name}:8080/manager`,
    list: () =>
      Promise.resolve(
        versions.map((version) => ({
          path: '/shop',
          version,
          state: 'running',
          sessions: 0,
          name: `shop##${version}`,
        })),
      ),
    undeploy: ({ version }: { version: string }) => {
      undeployed.push(version);
      return Promise.resolve('OK');
    },
  };
  return { client: client as unknown as ManagerClient, undeployed };
}

describe('keeping a rollout paused', () => {
  it('pauses the lock with the record as compact JSON', async () => {
    const { context } = fakeContext();
    const { held, pauses } = heldLock();
    await pauseRollout({ ...context, heldLock: held }, rolloutRecord());
    expect(pauses).toHaveLength(1);
    expect(decodeRolloutRecord(pauses[0]!)).toEqual(rolloutRecord());
  });

  it('a rollout that cannot be recorded is undone: its version goes again, and the error says so', async () => {
    const { context } = fakeContext();
    const { held } = heldLock(undefined, true);
    const web1 = tomcat('web1', ['003', '004']);
    const web2 = tomcat('web2', ['003']);
    const clients = () => Promise.resolve([web1.client, web2.client]);
    const error = await pauseRollout({ ...context, clients, heldLock: held }, rolloutRecord()).then(
      () => undefined,
      (e: unknown) => e as TomcatPdError,
    );
    expect(error?.message).toContain('web2 did not answer');
    expect(error?.hint).toContain(
      'The paused rollout could not be kept on the targets, so version 004 was undeployed again from every target that took it.',
    );
    expect(web1.undeployed).toEqual(['004']);
    expect(web2.undeployed).toEqual([]);
  });

  it('a promote or an abort that fails before it changed anything pauses the lock again, as it was', async () => {
    const { context } = fakeContext();
    const { held, pauses } = heldLock('the record');
    const locked = { ...context, heldLock: held };
    await expect(
      stillPausedOnFailure(locked, 'the record', () => Promise.reject(new Error('refused'))),
    ).rejects.toThrow('refused');
    expect(pauses).toEqual(['the record']);
    await expect(stillPausedOnFailure(locked, 'the record', () => Promise.resolve(7))).resolves.toBe(7);
    expect(pauses).toEqual(['the record']);
  });

  it('nothing paused for the app is a usage error; a paused one is its record', () => {
    const { context } = fakeContext();
    expect(() => takenOver({ ...context, heldLock: heldLock().held }, '/shop', 'abort')).toThrowError(
      expect.objectContaining({
        code: 'E_USAGE',
        message: 'Nothing is paused for /shop: there is no rollout to abort.',
      }),
    );
    expect(takenOver({ ...context, heldLock: heldLock('the record').held }, '/shop', 'promote')).toBe(
      'the record',
    );
  });
});
