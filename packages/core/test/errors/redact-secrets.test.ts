import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/errors/redact-secrets.js';

const PASSWORD = 'S3cret:p@ss';
const BASIC = Buffer.from(`deployer:${PASSWORD}`).toString('base64');

describe('redactSecrets', () => {
  it('removes credentials from URLs', () => {
    expect(redactSecrets('GET http://deployer:S3cret@localhost:8080/manager/text/list')).toBe(
      'GET http://[redacted]@localhost:8080/manager/text/list',
    );
    expect(redactSecrets('a https://u:p@h1/x and https://v:q@h2/y')).toBe(
      'a https://[redacted]@h1/x and https://[redacted]@h2/y',
    );
  });

  it.each([
    [`Authorization: Basic ${BASIC}`, 'Authorization: [redacted]'],
    [`authorization: 'Basic ${BASIC}'`, "authorization: '[redacted]'"],
    [`{"Authorization":"Basic ${BASIC}","x":1}`, '{"Authorization":"[redacted]","x":1}'],
    ['AUTHORIZATION=Bearer abc.def.ghi', 'AUTHORIZATION=[redacted]'],
  ])('removes the Authorization value of %j', (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  it('leaves secret-free text alone', () => {
    const text = 'FAIL - No context exists named [&#47;a:b@c] at http://localhost:8080/manager?x=a:b@c';
    expect(redactSecrets(text)).toBe(text);
  });

  // WHATWG URLs put the user info up to the LAST '@' of the authority: stopping at the first one
  // would leak the tail of a password like `S3cret:p@ss`.
  it('removes the whole password when it contains an @', () => {
    expect(redactSecrets(`http://deployer:${PASSWORD}@localhost:8080/manager`)).toBe(
      'http://[redacted]@localhost:8080/manager',
    );
  });
});
