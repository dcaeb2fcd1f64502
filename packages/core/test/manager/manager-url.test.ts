import { describe, expect, it } from 'vitest';
import { isTomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { displayManagerUrl, normalizeManagerUrl } from '../../src/manager/manager-url.js';

function usageErrorOf(base: string) {
  try {
    normalizeManagerUrl(base);
  } catch (error) {
    expect(isTomcatPdError(error)).toBe(true);
    return error as Error & { code: string; hint?: string };
  }
  throw new Error(`normalizeManagerUrl accepted ${base}`);
}

describe('normalizeManagerUrl', () => {
  it.each([
    'http://localhost:8080/manager',
    'http://localhost:8080/manager/',
    'http://localhost:8080/manager/text',
    'http://localhost:8080/manager/text/',
    'http://localhost:8080/manager//',
  ])('%s → .../manager/text/', (base) => {
    expect(normalizeManagerUrl(base).href).toBe('http://localhost:8080/manager/text/');
  });

  it('keeps https, a custom context path and the port', () => {
    expect(normalizeManagerUrl('https://tc.example.com:8443/ops/manager').href).toBe(
      'https://tc.example.com:8443/ops/manager/text/',
    );
  });

  it('refuses credentials in the URL without repeating them', () => {
    for (const base of [
      'http://deployer:S3cret@localhost:8080/manager',
      'http://deployer@localhost:8080/manager',
    ]) {
      const error = usageErrorOf(base);
      expect(error.code).toBe('E_USAGE');
      expect(error.message).toMatch(/user or password/);
      expect(JSON.stringify(error)).not.toContain('S3cret');
    }
  });

  it.each(['ftp://localhost/manager', 'file:///etc/passwd', 'javascript:alert(1)', 'localhost:8080/manager'])(
    'refuses scheme of %s',
    (base) => {
      const error = usageErrorOf(base);
      expect(error.code).toBe('E_USAGE');
      expect(error.message).toMatch(/http:\/\/ or https:\/\//);
    },
  );

  it.each(['http://localhost:8080/manager?user=x', 'http://localhost:8080/manager#text'])(
    'refuses %s',
    (base) => {
      const error = usageErrorOf(base);
      expect(error.code).toBe('E_USAGE');
      expect(error.message).toMatch(/query or fragment/);
    },
  );

  it.each(['', 'not a url', '//localhost/manager', 'http://[bad/manager'])(
    'refuses garbage %j with a hint',
    (base) => {
      const error = usageErrorOf(base);
      expect(error.code).toBe('E_USAGE');
      expect(error.message).toMatch(/not a valid URL/);
      expect(error.hint).toContain('http://localhost:8080/manager');
    },
  );

  it('does not echo the password of an invalid URL that carries one', () => {
    const error = usageErrorOf('http://deployer:S3cret@localhost:99999/manager');
    expect(error.code).toBe('E_USAGE');
    expect(error.message).not.toContain('S3cret');
    // A password with `/` cannot be told apart from a path by any pattern: nothing is echoed.
    expect(usageErrorOf('http://u:pa/ss@h:99999/m').message).not.toContain('pa/ss');
  });
});

describe('displayManagerUrl', () => {
  it('shows the base as people know it', () => {
    expect(displayManagerUrl(normalizeManagerUrl('http://localhost:8080/manager/text/'))).toBe(
      'http://localhost:8080/manager',
    );
    expect(displayManagerUrl(normalizeManagerUrl('https://h:8443/ops/manager'))).toBe(
      'https://h:8443/ops/manager',
    );
  });

  it('shows a Manager deployed at the root as the origin', () => {
    expect(displayManagerUrl(normalizeManagerUrl('http://h:8080/'))).toBe('http://h:8080');
  });
});

describe('a URL inside the Manager', () => {
  it.each([
    ['http://h:8080/manager/html', '/html', 'http://h:8080/manager'],
    ['http://h:8080/manager/html/', '/html', 'http://h:8080/manager'],
    ['http://h:8080/manager/status', '/status', 'http://h:8080/manager'],
    ['http://h:8080/manager/text/list', '/text/list', 'http://h:8080/manager'],
    ['https://h/ops/manager/text/deploy', '/text/deploy', 'https://h/ops/manager'],
  ])('%s is refused, naming %s and the base to give', (input, part, base) => {
    const error = usageErrorOf(input);
    expect(error).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining(`(${part})`) });
    expect(error.hint).toBe(`Give the Manager's base URL: ${base}`);
  });

  it('a Manager deployed at /status (one segment) is still a base', () => {
    expect(normalizeManagerUrl('http://h:8080/status').href).toBe('http://h:8080/status/text/');
  });
});
