import { describe, expect, it } from 'vitest';
import { NO_ANSWER, socketFailure } from '../../../src/balancer/haproxy/socket-failure.js';

describe('socketFailure', () => {
  it('words the codes of a missing, refused or silent socket, and says which may heal', () => {
    expect(socketFailure('ENOENT', 'x')).toMatchObject({
      transient: false,
      reason: expect.stringMatching(/no such socket/),
    });
    expect(socketFailure('ECONNREFUSED', 'x')).toMatchObject({ transient: true });
    expect(socketFailure(NO_ANSWER, 'x')).toMatchObject({
      transient: true,
      reason: 'no complete answer in time',
    });
  });

  it("keeps Node's words for a code it does not know", () => {
    expect(socketFailure('EWHATEVER', 'something odd')).toEqual({
      reason: 'something odd',
      transient: false,
    });
  });
});
