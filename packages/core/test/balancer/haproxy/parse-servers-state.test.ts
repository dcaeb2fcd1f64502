import { describe, expect, it } from 'vitest';
import { adminStateOf, parseServersState } from '../../../src/balancer/haproxy/parse-servers-state.js';
import { haproxyAnswer } from './recorded.js';

const rows = (file: string) => {
  const answer = parseServersState(haproxyAnswer(file));
  if (!answer.ok) throw new Error(`${file} did not parse: ${answer.refusal.text}`);
  return answer.value.map(({ server, opState, adminBits }) => [server, opState, adminBits]);
};

describe('parseServersState (show servers state, HAProxy 2.6.12)', () => {
  it('reads each server of the backend with its operational state and admin bits, in order', () => {
    expect(rows('servers-state-ready.txt')).toEqual([
      ['web1', 2, 0],
      ['web2', 2, 0],
      ['web3', 0, 0],
      ['web4', 2, 0],
    ]);
    const answer = parseServersState(haproxyAnswer('servers-state-ready.txt'));
    expect(answer.ok && answer.value[0]?.backend).toBe('tomcats');
  });

  it('reads drain (FDRAIN 0x08) and maint (FMAINT 0x01, which stops the server)', () => {
    expect(rows('servers-state-drain-maint.txt')).toEqual([
      ['web1', 2, 8],
      ['web2', 0, 1],
      ['web3', 0, 8],
      ['web4', 2, 0],
    ]);
  });

  it('reads a server RUNNING at once after "ready", and the run-time drain gone after a restart', () => {
    expect(rows('servers-state-after-ready.txt')[1]).toEqual(['web2', 2, 0]);
    expect(rows('servers-state-after-restart.txt')[2]).toEqual(['web3', 0, 0]);
  });

  it('reads every backend without a filter, and the same text on the TCP and operator sockets', () => {
    expect(rows('servers-state-all.txt').map(([server]) => server)).toEqual(['web1', 'web2', 'web3', 'web4']);
    expect(rows('tcp-servers-state.txt')).toHaveLength(4);
    expect(rows('operator-show-servers-state.txt')).toHaveLength(4);
  });

  it('is a refusal for an error text or another format', () => {
    expect(parseServersState(haproxyAnswer('cant-find-backend.txt'))).toEqual({
      ok: false,
      refusal: { kind: 'no-such-backend', text: "Can't find backend." },
    });
    const v2 = haproxyAnswer('servers-state-ready.txt').replace(/^1\n/, '2\n');
    expect(parseServersState(v2)).toMatchObject({ ok: false, refusal: { kind: 'unexpected' } });
    const cut = haproxyAnswer('servers-state-ready.txt').replace(/ 2 0 1 1 2 15/, ' x');
    expect(parseServersState(cut)).toMatchObject({ ok: false, refusal: { kind: 'unexpected' } });
  });

  it('is a refusal for an answer cut short: without its final empty line, or a row with fields missing', () => {
    const whole = haproxyAnswer('servers-state-ready.txt');
    expect(parseServersState(whole.slice(0, -1)).ok).toBe(false);
    // Cut in the last row: enough fields for the states, but fewer than the header names.
    expect(parseServersState(`${whole.slice(0, -40)}\n\n`).ok).toBe(false);
  });

  it('reads a backend without servers as no rows', () => {
    const header = haproxyAnswer('servers-state-ready.txt').split('\n').slice(0, 2).join('\n');
    expect(parseServersState(`${header}\n\n`)).toEqual({ ok: true, value: [] });
  });
});

describe('adminStateOf (srv_admin_state bits)', () => {
  it.each([
    [0x00, 'ready'],
    [0x01, 'maint'],
    [0x02, 'maint'],
    [0x04, 'maint'],
    [0x08, 'drain'],
    [0x10, 'drain'],
    [0x20, 'maint'],
    [0x40, 'maint'],
    [0x08 | 0x01, 'maint'],
    [0x80, 'ready'],
  ])('%i is %s', (bits, state) => {
    expect(adminStateOf(bits)).toBe(state);
  });
});
