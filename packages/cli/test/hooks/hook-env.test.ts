import { describe, expect, it } from 'vitest';
import { AbortedError, TomcatFailError } from '@tomcat-pd/core';
import { endEvent, startEvent } from '../../src/events/change-event.js';
import { hookEnvironment } from '../../src/hooks/hook-env.js';

const AT = new Date('2026-12-08T01:00:00Z');

describe('hookEnvironment', () => {
  it('before a counter deploy: what is known, the version empty, no outcome yet', () => {
    const start = startEvent(
      { event: 'deploy', app: '/shop', buildId: 'b42' },
      ['web1', 'web2'],
      'alice@ci',
      AT,
    );
    expect(hookEnvironment('before-deploy', start)).toEqual({
      TOMCAT_PD_HOOK: 'before-deploy',
      TOMCAT_PD_EVENT: 'deploy',
      TOMCAT_PD_APP: '/shop',
      TOMCAT_PD_VERSION: '',
      TOMCAT_PD_BUILD_ID: 'b42',
      TOMCAT_PD_TARGETS: 'web1,web2',
      TOMCAT_PD_ACTOR: 'alice@ci',
      TOMCAT_PD_OUTCOME: '',
      TOMCAT_PD_ERROR_CODE: '',
    });
  });

  it('after the deploy: the version it chose and the outcome', () => {
    const start = startEvent({ event: 'deploy', app: '/shop', buildId: 'b42' }, ['web1'], 'alice@ci', AT);
    const end = endEvent(start, { done: { version: '007-b42' } }, new Date(AT.getTime() + 1000));
    expect(hookEnvironment('after-deploy', end)).toMatchObject({
      TOMCAT_PD_HOOK: 'after-deploy',
      TOMCAT_PD_VERSION: '007-b42',
      TOMCAT_PD_OUTCOME: 'ok',
      TOMCAT_PD_ERROR_CODE: '',
    });
  });

  it('on a failure: the outcome and the error code; an abort is told apart', () => {
    const start = startEvent({ event: 'rollback', app: '/shop' }, ['web1'], 'bob@laptop', AT);
    const failed = endEvent(start, { error: new TomcatFailError('deploy', 'FAIL - x', 'other') }, AT);
    expect(hookEnvironment('on-failure', failed)).toMatchObject({
      TOMCAT_PD_EVENT: 'rollback',
      TOMCAT_PD_OUTCOME: 'failed',
      TOMCAT_PD_ERROR_CODE: 'E_TOMCAT_FAIL',
    });
    const aborted = endEvent(start, { error: new AbortedError('stopped') }, AT);
    expect(hookEnvironment('on-failure', aborted)).toMatchObject({
      TOMCAT_PD_OUTCOME: 'aborted',
      TOMCAT_PD_ERROR_CODE: 'E_ABORTED',
    });
  });

  it('a target named by a --url with credentials: its origin and path only, no secret', () => {
    const start = startEvent(
      { event: 'restart' },
      ['http://admin:s3cret@web1:8080/manager?token=t0k'],
      'a@b',
      AT,
    );
    const env = hookEnvironment('after-restart', start);
    expect(env.TOMCAT_PD_TARGETS).toBe('http://web1:8080/manager');
    expect(env.TOMCAT_PD_APP).toBe('');
    expect(JSON.stringify(env)).not.toMatch(/s3cret|t0k/);
  });
});
