import { describe, expect, it } from 'vitest';
import { AbortedError } from '@tomcat-pd/core/errors';
import { LockLostError } from '@tomcat-pd/core/internal';
import { lostWith } from '../../src/lock/with-lock.js';

describe('lostWith', () => {
  const lost = new LockLostError('The release lock on web1 was lost: its record is gone.', 'web1');

  it('keeps the loss as the error (exit 5) and says where the command stopped', () => {
    const stopped = new AbortedError('The rollout was stopped by a signal at step 2 of 3.');
    const error = lostWith(lost, stopped);
    expect(error.code).toBe('E_LOCK_LOST');
    expect(error.message).toBe(lost.message);
    expect(error.hint).toMatch(/^Where it stopped: The rollout was stopped by a signal at step 2 of 3\./);
  });

  it('the loss itself, thrown as it was, gets no note', () => {
    expect(lostWith(lost, lost)).toBe(lost);
  });
});
