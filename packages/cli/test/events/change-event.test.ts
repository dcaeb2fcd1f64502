import { describe, expect, it } from 'vitest';
import { AbortedError, ErrorCode, TomcatPdError, UnsafeOperationError } from '@tomcat-pd/core';
import { actorOf, endEvent, startEvent, type ChangeEvent } from '../../src/events/change-event.js';

const AT = new Date('2026-12-07T10:00:00.000Z');
const LATER = new Date('2026-12-07T10:00:12.340Z');

function deployStart(): ChangeEvent {
  return startEvent({ event: 'deploy', app: '/shop', buildId: '3f9c2ab' }, ['web1', 'web2'], 'ci-42', AT);
}

describe('startEvent', () => {
  it('carries the change, the selected targets, the actor and the time, and says it started', () => {
    expect(deployStart()).toEqual({
      event: 'deploy',
      phase: 'start',
      app: '/shop',
      version: null,
      buildId: '3f9c2ab',
      targets: ['web1', 'web2'],
      actor: 'ci-42',
      at: '2026-12-07T10:00:00.000Z',
      text: 'tomcat-pd deploy /shop on web1, web2 by ci-42: started',
    });
  });

  it("takes the command's own targets over the selected ones (an lb command's one target)", () => {
    const start = startEvent({ event: 'lb-maint', targets: ['web2'] }, ['web1', 'web2'], 'a@b', AT);
    expect(start.targets).toEqual(['web2']);
    expect(start.app).toBeNull();
    expect(start.text).toBe('tomcat-pd lb-maint on web2 by a@b: started');
  });

  it('never carries a secret: credentials and the query of a --url target are left out', () => {
    const start = startEvent(
      { event: 'undeploy', app: '/shop', version: '003' },
      ['http://deployer:s3cret@tomcat:8080/manager?token=abc123'],
      'a@b',
      AT,
    );
    const text = JSON.stringify(start);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('abc123');
    expect(start.targets).toEqual(['http://tomcat:8080/manager']);
    expect(start.text).toBe('tomcat-pd undeploy /shop##003 on http://tomcat:8080/manager by a@b: started');
  });

  it('redacts a secret wherever it hides (an actor naming a URL with credentials)', () => {
    const start = startEvent({ event: 'restart' }, [], 'https://bot:hunter2@ci.example', AT);
    expect(JSON.stringify(start)).not.toContain('hunter2');
  });
});

describe('endEvent', () => {
  it('ok: the version the command chose, the duration, the outcome in the text', () => {
    const end = endEvent(deployStart(), { done: { version: '004-3f9c2ab' } }, LATER);
    expect(end).toMatchObject({
      phase: 'end',
      version: '004-3f9c2ab',
      buildId: '3f9c2ab',
      outcome: 'ok',
      durationMs: 12_340,
      at: LATER.toISOString(),
    });
    expect(end).not.toHaveProperty('code');
    expect(end.text).toBe('tomcat-pd deploy /shop##004-3f9c2ab on web1, web2 by ci-42: ok in 12.3 s');
  });

  it.each([
    [
      new TomcatPdError(ErrorCode.tomcatFail, 'FAIL - Application at context path failed to start'),
      'failed',
      'E_TOMCAT_FAIL',
    ],
    [new UnsafeOperationError('no-overwrite', 'version 004 exists'), 'refused', 'E_UNSAFE'],
    [new AbortedError('interrupted'), 'aborted', 'E_ABORTED'],
    [new Error('a bug'), 'failed', 'E_INTERNAL'],
  ])('an error gives its outcome by code, never by message (%s)', (error, outcome, code) => {
    const end = endEvent(deployStart(), { error }, LATER);
    expect(end.outcome).toBe(outcome);
    expect(end.code).toBe(code);
    expect(end.text).toBe(`tomcat-pd deploy /shop on web1, web2 by ci-42: ${outcome} (${code}) in 12.3 s`);
    // The message stays out: it may quote what a server answered.
    expect(JSON.stringify(end)).not.toContain(error.message);
  });
});

describe('actorOf', () => {
  const os = { userInfo: () => ({ username: 'alice' }), hostname: () => 'laptop' };

  it('is user@host', () => {
    expect(actorOf({}, os)).toBe('alice@laptop');
  });

  it('is $TOMCAT_PD_ACTOR when set (a CI job names itself)', () => {
    expect(actorOf({ TOMCAT_PD_ACTOR: 'gitlab job 1234' }, os)).toBe('gitlab job 1234');
    expect(actorOf({ TOMCAT_PD_ACTOR: ' ' }, os)).toBe('alice@laptop');
  });

  it('falls back to $USER where the user has no passwd entry', () => {
    const container = {
      userInfo: () => {
        throw new Error('ENOENT');
      },
      hostname: () => 'pod-7',
    };
    expect(actorOf({ USER: 'runner' }, container)).toBe('runner@pod-7');
  });
});
