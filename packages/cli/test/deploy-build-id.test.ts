import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from '../src/commands/deploy.js';

const line = (options: Record<string, string>) => ({
  args: ['shop.war'],
  options: { path: '/shop', ...options },
  defaults: {},
});

describe('deploy --build-id', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('takes the flag, else $TOMCAT_PD_BUILD_ID', () => {
    expect(parse(line({ buildId: '3f9c2ab' })).buildId).toBe('3f9c2ab');
    vi.stubEnv('TOMCAT_PD_BUILD_ID', 'ci-417');
    expect(parse(line({})).buildId).toBe('ci-417');
    expect(parse(line({ buildId: '3f9c2ab' })).buildId).toBe('3f9c2ab');
  });

  it('the variable gives way to --version and --semver; the flag with them is a mistake', () => {
    vi.stubEnv('TOMCAT_PD_BUILD_ID', 'ci-417');
    expect(parse(line({ version: '007' }))).toMatchObject({ version: '007', buildId: undefined });
    expect(parse(line({ semver: '1.2.3' })).buildId).toBeUndefined();
    expect(() => parse(line({ version: '007', buildId: 'x' }))).toThrowError(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringContaining('not a version and a build id'),
      }),
    );
  });

  it('an empty variable is no build id; a forbidden character is refused before any request', () => {
    vi.stubEnv('TOMCAT_PD_BUILD_ID', '');
    expect(parse(line({})).buildId).toBeUndefined();
    expect(() => parse(line({ buildId: 'feature/login' }))).toThrowError(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('"/"') }),
    );
  });
});
