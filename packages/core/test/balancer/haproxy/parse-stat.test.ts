import { describe, expect, it } from 'vitest';
import { parseStat, splitCsv } from '../../../src/balancer/haproxy/parse-stat.js';
import { haproxyAnswer } from './recorded.js';

const rows = (file: string) => {
  const answer = parseStat(haproxyAnswer(file));
  if (!answer.ok) throw new Error(`${file} did not parse: ${answer.refusal.text}`);
  return answer.value;
};

describe('parseStat (show stat CSV, HAProxy 2.6.12)', () => {
  it('reads the servers with requests in flight, queue, last session and check status', () => {
    expect(rows('stat-in-flight.txt')).toEqual([
      {
        proxy: 'tomcats',
        server: 'web1',
        status: 'UP',
        current: 1,
        queued: 0,
        lastSessionSeconds: 0,
        checkStatus: 'L7OK',
      },
      {
        proxy: 'tomcats',
        server: 'web2',
        status: 'UP',
        current: 1,
        queued: 0,
        lastSessionSeconds: 0,
        checkStatus: 'L7OK',
      },
      // Never sent a request: lastsess -1.
      {
        proxy: 'tomcats',
        server: 'web3',
        status: 'DOWN',
        current: 0,
        queued: 0,
        lastSessionSeconds: undefined,
        checkStatus: 'L4CON',
      },
      {
        proxy: 'tomcats',
        server: 'web4',
        status: 'no check',
        current: 0,
        queued: 0,
        lastSessionSeconds: 0,
        checkStatus: '',
      },
    ]);
  });

  it('skips the FRONTEND and BACKEND lines of an unfiltered "show stat"', () => {
    expect(rows('stat-all.txt').map((row) => `${row.proxy}/${row.server}`)).toEqual([
      'tomcats/web1',
      'tomcats/web2',
      'tomcats/web3',
      'tomcats/web4',
    ]);
  });

  it('reads DRAIN, MAINT, a drained server that is DOWN, and the "* " of a check in progress', () => {
    expect(
      rows('stat-drain-maint.txt').map((row) => [
        row.server,
        row.status,
        row.checkStatus,
        row.lastSessionSeconds,
      ]),
    ).toEqual([
      ['web1', 'DRAIN', 'L7OK', 4],
      ['web2', 'MAINT', '', 4],
      ['web3', 'DOWN', 'L4CON', undefined],
      ['web4', 'no check', '', 1],
    ]);
    expect(haproxyAnswer('stat-drain-maint.txt')).toContain(',* L7OK,');
  });

  it('reads "UP 1/2": a server up again before its first check', () => {
    expect(rows('stat-after-ready.txt')[1]?.status).toBe('UP 1/2');
  });

  it('finds columns by their header names, not by position', () => {
    const text = '# svname,pxname,lastsess,scur,qcur,status,\nweb1,be,7,3,2,UP,\n\n';
    expect(rows2(text)).toEqual([
      {
        proxy: 'be',
        server: 'web1',
        status: 'UP',
        current: 3,
        queued: 2,
        lastSessionSeconds: 7,
        checkStatus: '',
      },
    ]);
  });

  it('is a refusal for an answer cut short: without its final empty line, or a line with fields missing', () => {
    const whole = haproxyAnswer('stat-in-flight.txt');
    expect(parseStat(whole.slice(0, -1)).ok).toBe(false);
    expect(parseStat(`${whole.slice(0, -60)}\n\n`).ok).toBe(false);
  });

  it('is a refusal for an error text, or a counter that is not a number', () => {
    expect(parseStat(haproxyAnswer('no-such-proxy.txt'))).toEqual({
      ok: false,
      refusal: { kind: 'no-such-backend', text: 'No such proxy.' },
    });
    expect(parseStat('# pxname,svname,qcur,scur,lastsess,\nbe,web1,0,many,1,\n\n')).toMatchObject({
      ok: false,
      refusal: { kind: 'unexpected' },
    });
  });
});

function rows2(text: string) {
  const answer = parseStat(text);
  return answer.ok ? answer.value : answer.refusal;
}

describe('splitCsv', () => {
  it('splits at commas, keeps the empty field of the trailing comma, and honours quotes', () => {
    expect(splitCsv('a,,b,')).toEqual(['a', '', 'b', '']);
    expect(splitCsv('x,"HTTP status check returned code <3C>404<3E>, ""Not Found""",y')).toEqual([
      'x',
      'HTTP status check returned code <3C>404<3E>, "Not Found"',
      'y',
    ]);
  });
});
