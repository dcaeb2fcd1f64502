import { describe, expect, it } from 'vitest';
import { buildIdOf, withBuildId } from '../../src/versions/build-id.js';
import { compareVersions } from '../../src/versions/version-order.js';
import { nextCounterVersion } from '../../src/versions/version-rules.js';

describe('build ids in versions', () => {
  it('reads the id back from a counter version, and nothing from other versions', () => {
    expect(buildIdOf(withBuildId('004', '3f9c2ab'))).toBe('3f9c2ab');
    expect(buildIdOf('r0042-gh-1234')).toBe('gh-1234');
    expect(buildIdOf('build-41-abc')).toBe('abc');
    for (const version of ['004', 'r0042', '1.2.3', '00001.00002.00003.r', '00002.00000.00000-_rc-11', '']) {
      expect(buildIdOf(version), version).toBeUndefined();
    }
  });

  it('keeps Tomcat order by counter whatever the ids: a - sorts below every digit', () => {
    const versions = ['009-zzz', '010-000', '010', '011-a'];
    expect([...versions].sort(compareVersions)).toEqual(['009-zzz', '010', '010-000', '011-a']);
  });

  it('the next counter steps over versions with ids, keeping prefix and width', () => {
    expect(nextCounterVersion(['001-aaa', '002-bbb'])).toBe('003');
    expect(nextCounterVersion(['r0009-x.y'])).toBe('r0010');
    expect(nextCounterVersion(['999-abc'])).toBe('1000');
  });
});
