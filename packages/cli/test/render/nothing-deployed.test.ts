import { describe, expect, it } from 'vitest';
import { nothingDeployed } from '../../src/render/nothing-deployed.js';

describe('nothingDeployed', () => {
  it('names the path asked for, not "no application" (there may be others)', () => {
    expect(nothingDeployed('web1', '/nope', false)).toBe('No version of /nope is deployed on web1.');
    expect(nothingDeployed('web1', '/nope', true)).toBe('web1: no version of /nope is deployed.');
  });

  it('without a path, says that no application is deployed', () => {
    expect(nothingDeployed('web1', undefined, false)).toBe('No application is deployed on web1.');
    expect(nothingDeployed('web1', undefined, true)).toBe('web1: no application is deployed.');
  });
});
