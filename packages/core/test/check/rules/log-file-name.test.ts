import { describe, expect, it } from 'vitest';
import { classifyFileName, type LookupDialect } from '../../../src/check/rules/log-file-name.js';

const shared = (value: string, dialect: LookupDialect, properties?: Record<string, string>) =>
  classifyFileName(value, dialect, new Map(Object.entries(properties ?? {}))).shared;

describe('classifyFileName', () => {
  it.each([
    'logs/app.log',
    '/var/log/app-%d{yyyy-MM-dd}-%i.log.gz',
    '${sys:catalina.base}/logs/app.log',
    '${env:LOG_DIR}/app.log',
    '${catalina.base}/logs/app.log',
    '${catalina.home}/logs/app.log',
    'logs/app-${date:yyyy-MM}.log',
    'logs/${hostName}.log',
    'logs/${web:contextPath}.log',
    'logs/${web:contextPathName}.log',
    'logs/${web:servletContextName}.log',
    '${sys:catalina.base}/logs/${web:contextPathName}-%d.log',
    '$${sys:catalina.base}/late.log',
    'logs/${sys:app.name:-shop}.log',
  ])('log4j2 %s is shared', (name) => {
    expect(shared(name, 'log4j2')).toBe(true);
  });

  it.each([
    'logs/app-${web:attr.org.apache.catalina.webappVersion}.log',
    '${sys:catalina.base}/logs/${web:contextPath}-${web:attr.org.apache.catalina.webappVersion}.log',
    'logs/${ctx:version}.log',
    'logs/${main:0}.log',
    'logs/${jndi:java:comp/env/logName}.log',
    'logs/${web:initParam.logName}.log',
    'logs/${unknownProperty}.log',
    'logs/${sys:${env:KEY}}.log',
  ])('log4j2 %s is not shared (per version, or unknown)', (name) => {
    expect(shared(name, 'log4j2')).toBe(false);
  });

  it('follows the configuration properties, also through one another', () => {
    const properties = {
      dir: '${sys:catalina.base}/logs',
      version: '${web:attr.org.apache.catalina.webappVersion}',
      perVersion: '${dir}/app-${version}',
    };
    expect(shared('${dir}/app.log', 'log4j2', properties)).toBe(true);
    expect(shared('${perVersion}.log', 'log4j2', properties)).toBe(false);
    expect(shared('${dir:-/tmp}/app.log', 'log4j2', properties)).toBe(true);
    // A cycle ends as unknown, not in a loop.
    expect(shared('${a}.log', 'log4j2', { a: '${b}', b: '${a}' })).toBe(false);
  });

  it('reads logback names: HOSTNAME and system properties JVM-wide, other variables unknown', () => {
    expect(shared('${catalina.base}/logs/app.log', 'logback')).toBe(true);
    expect(shared('logs/${HOSTNAME}-app.%d{yyyy-MM-dd}.log', 'logback')).toBe(true);
    expect(shared('${LOG_DIR:-logs}/app.log', 'logback', { LOG_DIR: '/var/log' })).toBe(true);
    expect(shared('logs/${WEBAPP_VERSION}.log', 'logback')).toBe(false);
  });

  it('reads JULI names: system properties and %t %h %u %g JVM-wide, ${classloader.webappName} per version', () => {
    expect(shared('${catalina.base}/logs/app.', 'juli')).toBe(true);
    expect(shared('%h/java%u.log', 'juli')).toBe(true);
    expect(shared('%t/app%g.log', 'juli')).toBe(true);
    expect(shared('${any.system.property}/app.', 'juli')).toBe(true);
    expect(shared('logs/${classloader.hostName}-app.', 'juli')).toBe(true);
    expect(shared('logs/${classloader.webappName}.', 'juli')).toBe(false);
  });

  it('lists the lookups it met with their scope', () => {
    const verdict = classifyFileName(
      '${dir}/${web:attr.org.apache.catalina.webappVersion}.log',
      'log4j2',
      new Map([['dir', '${sys:x}']]),
    );
    expect(verdict.lookups).toEqual([
      { lookup: '${sys:x}', scope: 'jvm' },
      { lookup: '${web:attr.org.apache.catalina.webappVersion}', scope: 'version' },
    ]);
  });
});
