import { describe, expect, it } from 'vitest';
import { describeApp, describeApps } from '../../src/ops/app-status.js';
import { entry } from '../helpers/fake-client.js';

describe('describeApp', () => {
  it('makes the greatest running version live, in string order', () => {
    const app = describeApp([entry('/a', '010'), entry('/a', '9'), entry('/a', '002', 'running', 3)], '/a');
    expect(app.live).toBe('9');
    expect(app.versions.map((v) => [v.version, v.role])).toEqual([
      ['002', 'draining'],
      ['010', 'drained'],
      ['9', 'live'],
    ]);
  });

  it('skips stopped versions when choosing the live one', () => {
    const app = describeApp([entry('/a', '001'), entry('/a', '002', 'stopped')], '/a');
    expect(app.live).toBe('001');
    expect(app.versions.find((v) => v.version === '002')?.role).toBe('stopped');
  });

  it('has no live version when nothing runs, and no versions for an absent app', () => {
    expect(describeApp([entry('/a', '001', 'stopped')], '/a').live).toBeUndefined();
    expect(describeApp([entry('/a', '001')], '/b')).toEqual({ path: '/b', live: undefined, versions: [] });
  });

  it('treats the unversioned context as the lowest version', () => {
    const app = describeApp([entry('/a', '001'), entry('/a', '')], '/a');
    expect(app.live).toBe('001');
    expect(app.versions[0]?.version).toBe('');
  });
});

describe('describeApps', () => {
  it('groups by path and sorts paths', () => {
    const apps = describeApps([entry('/b', '1'), entry('/', '1'), entry('/a/b', '7'), entry('/b', '2')]);
    expect(apps.map((app) => [app.path, app.live])).toEqual([
      ['/', '1'],
      ['/a/b', '7'],
      ['/b', '2'],
    ]);
  });
});
