import { describe, expect, it } from 'vitest';
import { notRunningAgain } from '../../../src/ops/restart/apps-running.js';
import { entry } from '../../helpers/fake-client.js';

describe('notRunningAgain', () => {
  const before = [
    { path: '/shop', version: '002' },
    { path: '/', version: '' },
    { path: '/api', version: '' },
  ];

  it('is empty when every app that ran before runs again', () => {
    expect(notRunningAgain(before, [entry('/shop', '002'), entry('/', ''), entry('/api', '')])).toEqual([]);
  });

  it('names, as Tomcat shows them, the apps stopped, failed to start, gone, or running another version', () => {
    const now = [entry('/shop', '003'), entry('/', '', 'stopped'), entry('/other', '')];
    expect(notRunningAgain(before, now)).toEqual(['/shop##002', '/', '/api']);
  });
});
