import { describe, expect, it } from 'vitest';
import { fixture } from '@tomcat-pd/testkit/recorded';
import {
  jkResult,
  jkValue,
  jkValues,
  parseJkProperties,
} from '../../../src/balancer/mod-jk/jk-properties.js';

describe('parseJkProperties', () => {
  it('keeps every value of a repeated key, in order (balance_workers once per member)', () => {
    const properties = parseJkProperties(fixture('httpd/mod-jk/show-fresh.txt'));
    expect(jkValues(properties, 'worker.lb.balance_workers')).toEqual(['web1', 'web2']);
    expect(jkValue(properties, 'worker.web2.activation')).toBe('ACT');
  });

  it('keeps the text after the first "=" whole, and an empty value as ""', () => {
    const properties = parseJkProperties('worker.a.x=b=c\r\nworker.a.redirect=\nnot a line\n');
    expect(jkValue(properties, 'worker.a.x')).toBe('b=c');
    expect(jkValue(properties, 'worker.a.redirect')).toBe('');
    expect(properties.values.size).toBe(2);
  });
});

describe('jkResult', () => {
  it('is OK for a show and an update that worked', () => {
    expect(jkResult(parseJkProperties(fixture('httpd/mod-jk/show-fresh.txt')))).toEqual({ type: 'OK' });
    expect(jkResult(parseJkProperties(fixture('httpd/mod-jk/update-ok.txt')))).toEqual({ type: 'OK' });
  });

  it("is ERROR with mod_jk's message for an unknown member or lb worker (both HTTP 200)", () => {
    expect(jkResult(parseJkProperties(fixture('httpd/mod-jk/update-unknown-member.txt')))).toEqual({
      type: 'ERROR',
      message: 'could not find sub worker',
    });
    expect(jkResult(parseJkProperties(fixture('httpd/mod-jk/show-unknown-worker.txt')))).toEqual({
      type: 'ERROR',
      message: 'Could not find given worker',
    });
  });

  it("is missing for what is not a prop answer (the balancer-manager's page)", () => {
    const page = fixture('httpd/mod-proxy-balancer/get-without-referer.html');
    expect(jkResult(parseJkProperties(page))).toEqual({ type: 'missing' });
  });
});
