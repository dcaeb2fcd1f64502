import http from 'node:http';
import type https from 'node:https';

/**
 * node:http, or node:https for an `https:` URL. node:https is loaded when first asked for: with
 * node:tls and node:crypto it is ~3 ms of every start of the CLI, and a plain-http Manager never
 * needs it (bench/RESULTS.md: start-up).
 */
export function httpModuleFor(url: URL): Pick<typeof http, 'get' | 'request'> {
  return url.protocol === 'https:' ? nodeHttps() : http;
}

export function nodeHttps(): typeof https {
  return process.getBuiltinModule('node:https');
}
