import { describe, expect, it } from 'vitest';
import { fixture } from '@tomcat-pd/testkit/recorded';
import {
  parseManagerAnswer,
  type ManagerBalancer,
} from '../../../src/balancer/mod-proxy-balancer/manager-xml.js';

const recorded = (name: string) => parseManagerAnswer(fixture(`httpd/mod-proxy-balancer/${name}`));

function balancer(name: string, file: string): ManagerBalancer | undefined {
  const answer = recorded(file);
  return answer.kind === 'xml' ? answer.balancers.find((b) => b.name === name) : undefined;
}

describe('parseManagerAnswer', () => {
  it('reads every balancer of the XML view, with its nonce and workers', () => {
    const answer = recorded('xml-fresh.xml');
    expect(answer.kind === 'xml' && answer.balancers.map((b) => b.name)).toEqual(['shop', 'frozen']);
    const shop = balancer('shop', 'xml-fresh.xml');
    expect(shop?.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(shop?.workers).toEqual([
      {
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        route: 'web1',
        status: ['Init', 'Ok'],
        busy: 0,
      },
      {
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        route: 'web2',
        status: ['Init', 'Ok'],
        busy: 0,
      },
    ]);
  });

  it('reads the status words of drained, stopped and failed workers', () => {
    expect(balancer('shop', 'xml-drain-stopped.xml')?.workers.map((w) => w.status)).toEqual([
      ['Init', 'Drn', 'Ok'],
      ['Init', 'Stop'],
    ]);
    expect(balancer('shop', 'xml-member-in-error.xml')?.workers[1]?.status).toEqual(['Init', 'Err']);
  });

  it('reads the answer to an update as the XML view after it', () => {
    expect(balancer('shop', 'post-drain-answer.xml')?.workers[0]?.status).toEqual(['Init', 'Drn', 'Ok']);
    // A stale nonce: the same view, web1 unchanged.
    expect(balancer('shop', 'post-stale-nonce-answer.xml')?.workers[0]?.status).toEqual([
      'Init',
      'Drn',
      'Ok',
    ]);
  });

  it('reads an empty nonce (nonce=None) as ""', () => {
    expect(balancer('frozen', 'xml-no-nonce.xml')?.nonce).toBe('');
  });

  it('classifies the HTML page (parameters ignored, no Referer) as the page', () => {
    expect(recorded('get-without-referer.html')).toEqual({ kind: 'page' });
    expect(recorded('post-without-referer.html')).toEqual({ kind: 'page' });
  });

  it('classifies anything else as other', () => {
    expect(parseManagerAnswer(fixture('httpd/mod-jk/show-fresh.txt')).kind).toBe('other');
    expect(parseManagerAnswer('<?xml version="1.0"?><other/>')).toMatchObject({ kind: 'other' });
  });
});
