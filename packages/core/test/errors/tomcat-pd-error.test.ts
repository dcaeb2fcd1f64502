import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { TomcatFailError } from '../../src/manager/parse/tomcat-fail.js';
import { TomcatPdError, isTomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { ConnectionError, UnsafeOperationError } from '../../src/errors/error-classes.js';

const PASSWORD = 'S3cret:p@ss';
const BASIC = Buffer.from(`deployer:${PASSWORD}`).toString('base64');

/** Every way an error gets printed or logged. */
function renderings(error: Error): string[] {
  return [
    inspect(error, { depth: 10 }),
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    String(error),
    error.stack ?? '',
  ];
}

/** What an HTTP library's error (axios, got) looks like: the request config holds the password in two forms. */
function httpLibraryError(): Error {
  return Object.assign(
    new Error(
      `Request to http://deployer:S3cret@localhost:8080/manager failed, Authorization: Basic ${BASIC}`,
    ),
    {
      code: 'ECONNRESET',
      config: {
        auth: { username: 'deployer', password: PASSWORD },
        headers: { Authorization: `Basic ${BASIC}` },
      },
      request: { _header: `GET /manager/text/list HTTP/1.1\r\nAuthorization: Basic ${BASIC}\r\n` },
    },
  );
}

describe('TomcatPdError', () => {
  it('carries code, url, status and hint, and prints them in toJSON', () => {
    const error = new TomcatPdError(ErrorCode.auth, 'rejected', {
      url: 'http://h/manager',
      status: 401,
      hint: 'wait',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TomcatPdError');
    expect(error.toJSON()).toEqual({
      name: 'TomcatPdError',
      code: 'E_AUTH',
      message: 'rejected',
      url: 'http://h/manager',
      status: 401,
      hint: 'wait',
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
    expect(new TomcatPdError(ErrorCode.usage, 'bad').toJSON()).toEqual({
      name: 'TomcatPdError',
      code: 'E_USAGE',
      message: 'bad',
    });
  });

  it('redacts message, url and hint given to it', () => {
    const error = new TomcatPdError(ErrorCode.connect, `failed with Authorization: Basic ${BASIC}`, {
      url: 'http://deployer:S3cret@h/manager',
      hint: 'try http://deployer:S3cret@h/manager again',
    });
    for (const text of renderings(error)) {
      expect(text).not.toContain('S3cret');
      expect(text).not.toContain(BASIC);
    }
  });

  it('keeps only the code and a redacted message of a cause that holds a password', () => {
    const error = new TomcatPdError(ErrorCode.connect, 'Cannot reach the Manager', {
      cause: httpLibraryError(),
    });
    expect(error.cause).toEqual({
      code: 'ECONNRESET',
      message: 'Request to http://[redacted]@localhost:8080/manager failed, Authorization: [redacted]',
    });
    for (const text of renderings(error)) {
      expect(text).not.toContain('S3cret');
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(BASIC);
    }
  });

  it('describes a non-Error cause as redacted text', () => {
    const error = new TomcatPdError(ErrorCode.connect, 'x', { cause: `Authorization: Basic ${BASIC}` });
    expect(error.cause).toEqual({ message: 'Authorization: [redacted]' });
    const plain = new TomcatPdError(ErrorCode.connect, 'x', { cause: { password: PASSWORD } });
    expect(inspect(plain, { depth: 10 })).not.toContain(PASSWORD);
  });

  it('has no cause property when none was given', () => {
    expect('cause' in new TomcatPdError(ErrorCode.usage, 'x')).toBe(false);
  });
});

describe('isTomcatPdError', () => {
  it('is true for the errors of this library', () => {
    expect(isTomcatPdError(new TomcatPdError(ErrorCode.usage, 'x'))).toBe(true);
    expect(isTomcatPdError(new TomcatFailError('list', 'x', 'other'))).toBe(true);
    expect(isTomcatPdError(new UnsafeOperationError('live-version', 'x'))).toBe(true);
  });

  it('is true for an object with the shared brand (another copy of the package)', () => {
    expect(isTomcatPdError({ [Symbol.for('tomcat-pd.error')]: true, code: 'E_AUTH' })).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an Error with a code', Object.assign(new Error('x'), { code: 'E_AUTH', name: 'TomcatPdError' })],
    ['a wrong brand value', { [Symbol.for('tomcat-pd.error')]: 'yes' }],
    ['a local symbol', { [Symbol('tomcat-pd.error')]: true }],
    ['null', null],
    ['a string', 'E_AUTH'],
    ['undefined', undefined],
  ])('is false for %s', (_what, value) => {
    expect(isTomcatPdError(value)).toBe(false);
  });
});

describe('withNote', () => {
  it('makes a new error with the note as the hint when there is none, and leaves the error as it was', () => {
    const error = new TomcatPdError(ErrorCode.operation, 'x');
    const noted = error.withNote('The server keeps /app##004.');
    expect(noted).not.toBe(error);
    expect(noted.hint).toBe('The server keeps /app##004.');
    expect(error.hint).toBeUndefined();
  });

  it('puts the note before an existing hint', () => {
    const error = new TomcatPdError(ErrorCode.connect, 'x', { hint: 'Is Tomcat running?' });
    const noted = error.withNote('Nothing was deployed.');
    expect(noted.hint).toBe('Nothing was deployed. Is Tomcat running?');
    expect(noted.toJSON().hint).toBe('Nothing was deployed. Is Tomcat running?');
    expect(error.hint).toBe('Is Tomcat running?');
  });

  it('keeps the class, the typed fields, the message and the stack', () => {
    const error = new ConnectionError('gone', {
      transient: true,
      networkCode: 'ECONNRESET',
      afterFullUpload: true,
    });
    const noted = error.withNote('Nothing was left behind.');
    expect(noted).toBeInstanceOf(ConnectionError);
    expect(isTomcatPdError(noted)).toBe(true);
    expect(noted).toMatchObject({
      code: ErrorCode.connect,
      message: 'gone',
      transient: true,
      afterFullUpload: true,
    });
    expect(noted.networkCode).toBe('ECONNRESET');
    expect(noted.stack).toBe(error.stack);
  });

  it('redacts the note', () => {
    const error = new TomcatPdError(ErrorCode.connect, 'x').withNote('at http://deployer:S3cret@h/manager');
    expect(error.hint).toBe('at http://[redacted]@h/manager');
  });
});
