import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import {
  parseStatusJson,
  parseStatusPage,
  splitContextName,
} from '../../../src/manager/parse/parse-status-json.js';

const json = 'application/json;charset=utf-8';
const recorded = () => parseStatusJson(fixture('status/status-all-10.1.json'));
const byName = (name: string) => recorded().contexts.find((context) => context.name === name);

// The set-up of these answers: fixtures/status/README.md.
describe('the status JSON of Tomcat 10.1.60', () => {
  it('names every context, ROOT and unversioned ones too, with its path and version', () => {
    expect(recorded().contexts.map(({ name, path, version, state }) => [name, path, version, state])).toEqual(
      [
        ['localhost/plain', '/plain', '', 'STARTED'],
        ['localhost/shop##001', '/shop', '001', 'STARTED'],
        ['localhost/shop##002', '/shop', '002', 'STARTED'],
        ['localhost/##001', '/', '001', 'STARTED'],
        ['localhost/shop##003', '/shop', '003', 'STOPPED'],
        ['localhost/manager', '/manager', '', 'STARTED'],
      ],
    );
  });

  it('sums requests and errors over the servlets: sendError counts, a status set by the app does not', () => {
    expect(byName('localhost/shop##002')).toMatchObject({
      startedAt: Date.UTC(2026, 11, 1, 23, 55, 15),
      startTime: 'Tue Dec 01 23:55:15 UTC 2026',
      sessions: { active: 5, created: 5, expired: 0, maxActive: 5 },
      // 5 pages, 3 health checks answering 500 (set by the JSP), 2 × 404 (sendError, counted).
      requests: 10,
      errors: 2,
    });
    // Two uncaught exceptions in a JSP.
    expect(byName('localhost/plain')).toMatchObject({ requests: 6, errors: 2 });
  });

  it('keeps session statistics: created, expired, alive times in seconds', () => {
    expect(byName('localhost/##001')?.sessions).toEqual({
      active: 1,
      created: 3,
      expired: 2,
      rejected: 0,
      maxActive: 2,
      averageAliveSeconds: 2,
      maxAliveSeconds: 2,
    });
  });

  it('a version without any request has zero counters; a stopped one has no start time and no servlets', () => {
    expect(byName('localhost/shop##001')).toMatchObject({ requests: 0, errors: 0 });
    expect(byName('localhost/shop##003')).toMatchObject({
      startedAt: undefined,
      startTime: 'Thu Jan 01 00:00:00 UTC 1970',
      requests: 0,
      servlets: [],
    });
  });

  it('lists the memory pools; Metaspace has no limit here', () => {
    expect(recorded().memoryPools.find((pool) => pool.name === 'Metaspace')).toEqual({
      name: 'Metaspace',
      type: 'Non-heap memory',
      usedBytes: 20_781_552,
      maxBytes: null,
    });
  });
});

describe('what a status answer is', () => {
  it('JSON is the metrics; the HTML page of 9.0.70 and a 404 mean the server has no JSON', () => {
    const body = fixture('status/status-all-10.1.json');
    expect(parseStatusPage({ status: 200, contentType: json, body }).kind).toBe('metrics');
    const html = fixture('status/status-all-9.0.70.html');
    expect(parseStatusPage({ status: 200, contentType: 'text/html;charset=utf-8', body: html })).toEqual({
      kind: 'no-json',
    });
    expect(parseStatusPage({ status: 404, contentType: 'text/html', body: '' })).toEqual({ kind: 'no-json' });
  });

  it.each([
    ['truncated', fixture('status/status-all-10.1.json').slice(0, 2_000)],
    ['not JSON at all', 'OK - hello'],
    ['without contexts (the page without /all)', fixture('status/status-10.1.json')],
    [
      'a count as text',
      fixture('status/status-all-10.1.json').replace('"activeSessions":5', '"activeSessions":"5"'),
    ],
    [
      'a context without a host',
      fixture('status/status-all-10.1.json').replace('"localhost/plain"', '"/plain"'),
    ],
  ])('JSON %s is a protocol error, never a crash', (_, body) => {
    expect(() => parseStatusPage({ status: 200, contentType: json, body })).toThrowError(
      expect.objectContaining({ code: ErrorCode.protocol }),
    );
  });

  it('names the field that is missing or wrong', () => {
    const body = fixture('status/status-all-10.1.json').replace('"activeSessions":5', '"activeSessions":"5"');
    expect(() => parseStatusJson(body)).toThrowError(
      /lacks a number "activeSessions" in: "context localhost\/shop##002"/,
    );
  });
});

describe('splitContextName', () => {
  it('splits host, path and version', () => {
    expect(splitContextName('localhost/a/b##007')).toEqual({
      host: 'localhost',
      path: '/a/b',
      version: '007',
    });
    expect(splitContextName('localhost/')).toEqual({ host: 'localhost', path: '/', version: '' });
    expect(splitContextName('www.example.com/##2')).toEqual({
      host: 'www.example.com',
      path: '/',
      version: '2',
    });
  });
});
