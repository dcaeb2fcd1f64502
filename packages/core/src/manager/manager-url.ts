import { usageError } from '../errors/error-classes.js';

/**
 * Turns the Manager base a user gives (`http://host:8080/manager`, `.../manager/`,
 * `.../manager/text`) into the text API's base URL, always ending in `/text/`.
 * Credentials in the URL are refused: they would end up in logs and in `ps` output.
 */
export function normalizeManagerUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw usageError(
      // Not echoed: a password in it could contain characters no redaction pattern can find.
      'The Manager URL is not a valid URL.',
      'Give the Manager base URL, e.g. http://localhost:8080/manager',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`The Manager URL must start with http:// or https://, not ${url.protocol}//.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw usageError('The Manager URL must not contain a user or password.', [
      'Give the user and the password on their own (',
      { option: 'user' },
      ' and ',
      { option: 'password' },
      ').',
    ]);
  }
  if (url.search !== '' || url.hash !== '') {
    throw usageError(`The Manager URL must not contain a query or fragment: ${url.origin}${url.pathname}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  // Copied from a browser (the HTML manager) or a command's URL: the text API would be looked
  // for below it and answer 403 or an unknown command, which blames the wrong thing.
  const inside = /^(\/.+)\/(html|status|jmxproxy|text\/.+)$/.exec(path);
  if (inside !== null) {
    throw usageError(
      `The Manager URL ${url.origin}${path} points inside the Manager (/${inside[2]}).`,
      `Give the Manager's base URL: ${url.origin}${inside[1]}`,
    );
  }
  url.pathname = path.endsWith('/text') ? `${path}/` : `${path}/text/`;
  return url;
}

/** The Manager base as people know it (`http://host:8080/manager`), for messages. */
export function displayManagerUrl(textBase: URL): string {
  return `${textBase.origin}${textBase.pathname.replace(/\/text\/$/, '')}`;
}

/**
 * The URL where visitors reach Tomcat (`http://host:8080`, or a proxy's `https://shop.example`),
 * checked as the Manager URL is: http(s), no credentials, no query.
 */
export function normalizeAppUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(
      `The app URL ${JSON.stringify(text)} is not a valid URL.`,
      'Give it as http://host:8080',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`The app URL must start with http:// or https://, not ${url.protocol}//.`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw usageError('The app URL must not contain a user, a password, a query or a fragment.');
  }
  return url;
}
