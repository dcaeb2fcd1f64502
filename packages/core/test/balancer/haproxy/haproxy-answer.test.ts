import { describe, expect, it } from 'vitest';
import {
  knownRefusal,
  parseSetterAnswer,
  refusalOf,
  shortenAnswer,
} from '../../../src/balancer/haproxy/haproxy-answer.js';
import { haproxyAnswer } from './recorded.js';

describe('the catalogue of HAProxy 2.6 error answers', () => {
  it.each([
    ['no-such-server.txt', 'no-such-server', 'No such server.'],
    ['escaped-name.txt', 'no-such-server', 'No such server.'],
    ['no-such-backend.txt', 'no-such-backend', 'No such backend.'],
    ['cant-find-backend.txt', 'no-such-backend', "Can't find backend."],
    ['no-such-proxy.txt', 'no-such-backend', 'No such proxy.'],
    ['permission-denied.txt', 'permission-denied', 'Permission denied'],
    ['require-backend-server.txt', 'require-backend-server', "Require 'backend/server'."],
    ['bad-state.txt', 'bad-state', "'set server <srv> state' expects 'ready', 'drain' and 'maint'."],
  ])('%s is %s', (file, kind, text) => {
    expect(knownRefusal(haproxyAnswer(file))).toEqual({ kind, text });
  });

  it('classifies "Unknown command" by its first line and shortens the list of commands after it', () => {
    const refusal = knownRefusal(haproxyAnswer('unknown-command.txt'));
    expect(refusal?.kind).toBe('unknown-command');
    expect(refusal?.text.length).toBeLessThanOrEqual(203);
    expect(refusal?.text).toMatch(
      /^Unknown command, but maybe one of the following ones is a better match: \| /,
    );
  });

  it('knows no refusal in an answer of the protocol, and calls any other text unexpected', () => {
    expect(knownRefusal(haproxyAnswer('servers-state-ready.txt'))).toBeUndefined();
    expect(knownRefusal(haproxyAnswer('set-server-ok.txt'))).toBeUndefined();
    expect(refusalOf('HTTP/1.1 400 Bad Request\r\n\r\n')).toEqual({
      kind: 'unexpected',
      text: 'HTTP/1.1 400 Bad Request',
    });
    expect(refusalOf('')).toEqual({ kind: 'unexpected', text: '(an empty answer)' });
  });

  it('only the first line decides: an error text inside a longer answer is not a refusal of that kind', () => {
    expect(knownRefusal('1\nNo such server.\n')).toBeUndefined();
  });

  it('shortens a long answer to one line of at most 200 characters', () => {
    expect(shortenAnswer(`a\nb\n${'x'.repeat(500)}`)).toBe(`a | b | ${'x'.repeat(192)}...`);
  });
});

describe('parseSetterAnswer', () => {
  it('takes the empty line a successful "set server ... state" answers, also when nothing changed', () => {
    expect(parseSetterAnswer(haproxyAnswer('set-server-ok.txt'))).toEqual({ ok: true, value: undefined });
    expect(parseSetterAnswer(haproxyAnswer('set-server-again.txt'))).toEqual({ ok: true, value: undefined });
    expect(parseSetterAnswer(haproxyAnswer('set-server-maint-ok.txt')).ok).toBe(true);
  });

  it('refuses any other answer, with its kind and text', () => {
    expect(parseSetterAnswer(haproxyAnswer('permission-denied.txt'))).toEqual({
      ok: false,
      refusal: { kind: 'permission-denied', text: 'Permission denied' },
    });
    expect(parseSetterAnswer('Server state changed, maybe.\n')).toEqual({
      ok: false,
      refusal: { kind: 'unexpected', text: 'Server state changed, maybe.' },
    });
  });
});
