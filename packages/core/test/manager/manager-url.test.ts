import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { displayManagerUrl, normalizeManagerUrl } from '../../src/manager/manager-url.js';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { joined } from '../helpers/manager-arbitraries.js';
import { RUNS, valueOrTypedError } from '../helpers/properties.js';

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

// prettier-ignore
const URL_PARTS = [
  'http://', 'https://', 'ftp://', 'HTTP://', 'http:', '//', 'user', ':', 'pw', '@', '%40', 'localhost',
  '127.0.0.1', '[::1]', ':8080', ':99999', '/manager', '/text', '/', '?', '#', '\\', ' ', '\t', 'é',
  '\uD800', '%', '%2e%2e', '/..', 'xn--', 'javascript:',
];

describe('normalizeManagerUrl on arbitrary text', () => {
  it('returns a credential-free http(s) URL ending in /text/, or throws E_USAGE', () => {
    const urlish = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      joined(
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...URL_PARTS) }, fc.string({ maxLength: 3 })),
        10,
      ),
    );
    fc.assert(
      fc.property(urlish, (base) => {
        const url = valueOrTypedError(() => normalizeManagerUrl(base), [ErrorCode.usage]);
        if (url === undefined) return;
        const reparsed = new URL(url.href);
        expect(['http:', 'https:']).toContain(reparsed.protocol);
        expect(reparsed.username + reparsed.password).toBe('');
        expect(reparsed.search + reparsed.hash).toBe('');
        expect(reparsed.pathname.endsWith('/text/')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a URL with a password without repeating the password', () => {
    // Without `/ ? #`: they end the authority, so `http://u:a/b@h` is refused as an invalid URL and echoed whole.
    const secret = fc.string({ unit: fc.constantFrom(...'s3cret:@!$&*é'), minLength: 1, maxLength: 8 });
    const rest = fc.constantFrom(
      'localhost:8080/manager',
      'exa mple.com',
      'h:99999',
      'h/m?x=1',
      'h/m#f',
      '[::1',
    );
    fc.assert(
      fc.property(secret, rest, (password, host) => {
        let error: unknown;
        try {
          normalizeManagerUrl(`http://deployer:S3CRET${password}@${host}`);
        } catch (caught) {
          error = caught;
        }
        expect(isTomcatPdError(error) && error.code === ErrorCode.usage).toBe(true);
        expect(JSON.stringify(error)).not.toContain(`S3CRET${password}`);
      }),
      { numRuns: RUNS },
    );
  });
});
