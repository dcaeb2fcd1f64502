import { describe, expect, it } from 'vitest';
import { healthCheck, parseStartingConfigOptions } from '../../src/balancer/starting-config-options.js';
import { UsageError } from '../../src/errors/error-classes.js';
import { TWO_TOMCATS } from './starting-config-fixture.js';

describe('parseStartingConfigOptions', () => {
  it('fills in the defaults: 30 minutes, AJP 8009, OPTIONS at the app root', () => {
    const spec = parseStartingConfigOptions(TWO_TOMCATS);
    expect(spec.sessionTimeoutMinutes).toBe(30);
    expect(spec.balancer).toBe('tomcats');
    expect(spec.targets.map((target) => target.ajpPort)).toEqual([8009, 8010]);
    expect(spec.check).toEqual({ method: 'OPTIONS', path: '/shop/', passes: 'below-500' });
  });

  it('takes "/shop/" as the app /shop', () => {
    expect(parseStartingConfigOptions({ ...TWO_TOMCATS, path: '/shop/' }).path).toBe('/shop');
  });

  it.each([
    ['no targets', { targets: [] }, /at least one target/],
    ['a path without /', { path: 'shop' }, /must start with \//],
    ['a name with a space', { targets: [{ name: 'web 1', host: 'h', port: 80 }] }, /member name web 1/],
    ['a name twice', { targets: [TWO_TOMCATS.targets[0]!, TWO_TOMCATS.targets[0]!] }, /used twice/],
    ['a port out of range', { targets: [{ name: 'w', host: 'h', port: 70_000 }] }, /port of w/],
    ['a session timeout of 0', { sessionTimeoutMinutes: 0 }, /session timeout/],
    ['a probe with a space', { probe: '/he alth' }, /probe path/],
  ])('refuses %s with a UsageError', (_what, change, message) => {
    expect(() => parseStartingConfigOptions({ ...TWO_TOMCATS, ...change })).toThrow(UsageError);
    expect(() => parseStartingConfigOptions({ ...TWO_TOMCATS, ...change })).toThrow(message);
  });
});

describe('healthCheck', () => {
  it('GETs a probe path under the app, which must answer 2xx or 3xx', () => {
    expect(healthCheck('/shop', '/health')).toEqual({
      method: 'GET',
      path: '/shop/health',
      passes: '2xx-3xx',
    });
    expect(healthCheck('/', 'health')).toEqual({ method: 'GET', path: '/health', passes: '2xx-3xx' });
  });

  it('without a probe, sends OPTIONS to the root app', () => {
    expect(healthCheck('/', undefined)).toEqual({ method: 'OPTIONS', path: '/', passes: 'below-500' });
  });
});
