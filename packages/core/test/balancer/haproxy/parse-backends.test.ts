import { describe, expect, it } from 'vitest';
import { parseBackends } from '../../../src/balancer/haproxy/parse-backends.js';
import { haproxyAnswer } from './recorded.js';

describe('parseBackends (show backend)', () => {
  it('reads the backends by name', () => {
    expect(parseBackends(haproxyAnswer('show-backend.txt'))).toEqual({ ok: true, value: ['tomcats'] });
  });

  it('is a refusal for an error text', () => {
    expect(parseBackends(haproxyAnswer('unknown-command.txt'))).toMatchObject({
      ok: false,
      refusal: { kind: 'unknown-command' },
    });
  });
});
