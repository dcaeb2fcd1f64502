import { describe, expect, it } from 'vitest';
import { parseInfo } from '../../../src/balancer/haproxy/parse-info.js';
import { haproxyAnswer } from './recorded.js';

const generation = (file: string) => {
  const answer = parseInfo(haproxyAnswer(file));
  if (!answer.ok) throw new Error(`${file} did not parse: ${answer.refusal.text}`);
  return answer.value.generation;
};

describe('parseInfo (show info, HAProxy 2.6.12)', () => {
  it('reads the version, the pid and the start time', () => {
    expect(parseInfo(haproxyAnswer('info.txt'))).toEqual({
      ok: true,
      value: {
        version: '2.6.12-1+deb12u4',
        pid: 28804,
        startTimeSec: 1796660687,
        generation: 'pid 28804 started 1796660687',
      },
    });
  });

  it('gives a generation that a restart changes and the passing seconds do not', () => {
    expect(generation('info-after-restart.txt')).not.toBe(generation('info.txt'));
    expect(generation('info-after-restart-later.txt')).toBe(generation('info-after-restart.txt'));
    // Uptime_sec did change between those two readings.
    expect(haproxyAnswer('info-after-restart.txt')).toContain('Uptime_sec: 0\n');
    expect(haproxyAnswer('info-after-restart-later.txt')).toContain('Uptime_sec: 1\n');
  });

  it('makes do with the pid where there is no Start_time_sec', () => {
    const older = haproxyAnswer('info.txt').replace(/^Start_time_sec: .*\n/m, '');
    expect(parseInfo(older)).toMatchObject({
      ok: true,
      value: { generation: 'pid 28804', startTimeSec: undefined },
    });
  });

  it('is a refusal without a Pid', () => {
    expect(parseInfo(haproxyAnswer('permission-denied.txt'))).toMatchObject({
      ok: false,
      refusal: { kind: 'permission-denied' },
    });
    expect(parseInfo('Name: HAProxy\n\n')).toMatchObject({ ok: false, refusal: { kind: 'unexpected' } });
    // Cut before its final empty line, though the Pid came.
    expect(parseInfo(haproxyAnswer('info.txt').slice(0, -1)).ok).toBe(false);
  });
});
