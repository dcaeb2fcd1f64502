import { describe, expect, it } from 'vitest';
import { TomcatFailError, classifyFailure, type FailKind } from '../../../src/manager/parse/tomcat-fail.js';

describe('TomcatFailError', () => {
  it('adds command, kind and Tomcat message', () => {
    const error = new TomcatFailError(
      'deploy',
      'Application already exists at path [/app##002]',
      'already-exists',
    );
    expect(error.code).toBe('E_TOMCAT_FAIL');
    expect(error.name).toBe('TomcatFailError');
    expect(error.message).toBe('Tomcat refused deploy: Application already exists at path [/app##002]');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: 'E_TOMCAT_FAIL',
      command: 'deploy',
      kind: 'already-exists',
      tomcatMessage: 'Application already exists at path [/app##002]',
    });
  });
});

describe('classifyFailure', () => {
  it.each<[string, FailKind]>([
    ['Failed to deploy application at context path [/app##003]', 'failed-to-deploy'],
    ['Failed to deploy application at context path /app##003', 'failed-to-deploy'],
    ['Deployed application at context path /app##003 but context failed to start', 'failed-to-start'],
    ['The application /app##3 is already being serviced', 'busy'],
    ['Invalid context path /x/../y was specified', 'invalid-path'],
    ['FAIL - No context exists named [/app]', 'no-context'],
    ['Deployed application at context path [/app##003]', 'other'],
    ['Unable to delete [/w/tg##1.war]. The continued presence of this file may cause problems.', 'other'],
    ['', 'other'],
  ])('%j → %s', (message, kind) => {
    expect(classifyFailure(message)).toBe(kind);
  });
});
