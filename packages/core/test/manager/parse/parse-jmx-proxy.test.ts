import { describe, expect, it } from 'vitest';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { parseJmxQueryNames, parseJmxSessionIds } from '../../../src/manager/parse/parse-jmx-proxy.js';

// Recorded on 10.1 with a user holding manager-script and manager-jmx (fixtures/README.md, "JMX proxy").

describe('parseJmxQueryNames', () => {
  it('reads the name of each MBean a query found, whatever follows it', () => {
    expect(parseJmxQueryNames(fixture('jmxproxy-query-one.txt'))).toEqual({
      ok: true,
      value: ['Catalina:type=Manager,host=localhost,context=/shop##001'],
    });
    expect(parseJmxQueryNames(fixture('jmxproxy-query-root-versioned.txt'))).toEqual({
      ok: true,
      value: ['Catalina:type=Manager,host=localhost,context=/##002'],
    });
    expect(parseJmxQueryNames(fixture('jmxproxy-query-none.txt'))).toEqual({ ok: true, value: [] });
  });

  it('refuses an answer that is not the proxy’s (an HTML page), quoting only its start', () => {
    expect(() => parseJmxQueryNames(fixture('http-403.html'))).toThrow(
      expect.objectContaining({ code: 'E_PROTOCOL' }),
    );
  });
});

describe('parseJmxSessionIds', () => {
  it('reads the ids listSessionIds returned, and none from an empty list', () => {
    const ids = parseJmxSessionIds(fixture('jmxproxy-invoke-session-ids.txt'));
    expect(ids.ok && ids.value).toHaveLength(2);
    expect(ids.ok && ids.value.every((id) => /^[0-9A-F]{32}\.web1$/.test(id))).toBe(true);
    expect(parseJmxSessionIds(fixture('jmxproxy-invoke-no-session.txt'))).toEqual({ ok: true, value: [] });
  });

  it('an Error answer (answered with 200: the MBean is gone) is a failure value, not a broken answer', () => {
    const answer = parseJmxSessionIds(fixture('jmxproxy-invoke-not-found.txt'));
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error).toMatch(/^javax\.management\.InstanceNotFoundException: /);
  });

  it('an OK answer of another operation is refused without quoting the rest, where ids would be', () => {
    const text = 'OK - Operation listSessionIdsFull returned:\nSECRET.web1\n';
    let error: unknown;
    try {
      parseJmxSessionIds(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'E_PROTOCOL' });
    expect(String(error)).not.toContain('SECRET');
  });
});
