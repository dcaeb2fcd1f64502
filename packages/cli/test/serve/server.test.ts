import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveDocument } from '../../src/serve/document.js';
import { PAGE_CSP } from '../../src/serve/page.js';
import { createServeMetrics } from '../../src/serve/prometheus.js';
import {
  isLoopbackAddress,
  isLoopbackHostHeader,
  startServer,
  type ServeServer,
} from '../../src/serve/server.js';
import { type FleetSnapshot, type TargetSnapshot } from '@tomcat-pd/core';
import { downTarget, statusWeb1, withoutMetrics } from '../helpers/reports.js';
import { ADMIN_STATES, type BalancerView } from '@tomcat-pd/core/balancers';
import { balancerViews, lbView } from '../helpers/balancers.js';

const READ_AT = Date.UTC(2026, 11, 2, 10, 0, 0);

function web1(): TargetSnapshot {
  const report = withoutMetrics(statusWeb1(), READ_AT - 1_000);
  return {
    state: 'up',
    target: 'web1',
    managerUrl: report.managerUrl,
    readAt: READ_AT,
    durationMs: 12.6,
    report,
    metrics: { kind: 'status-page', readAt: READ_AT - 1_000 },
  };
}

function web3(): TargetSnapshot {
  return downTarget(READ_AT);
}

let snapshot: FleetSnapshot = { sequence: 1, intervalMs: 10_000, targets: [web1(), web3()] };
let server: ServeServer | undefined;

async function serve(): Promise<ServeServer> {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    current: () => snapshot,
    metrics: createServeMetrics(),
  });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  snapshot = { sequence: 1, intervalMs: 10_000, targets: [web1(), web3()] };
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with node:http (fetch cannot send a Host header of its own, nor TRACE). */
function ask(url: string, options: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.host === undefined ? {} : { host: options.host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the server', () => {
  it('/: the page, with its Content-Security-Policy and no caching', async () => {
    const { url, loopback } = await serve();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(loopback).toBe(true);
    const page = await ask(url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<span>web1</span><span class="badge">UP</span>');
    expect(page.body).toContain('<span>web3</span><span class="badge">DOWN</span>');
  });

  it('/api/status: the document of the snapshot; /healthz: ok; /metrics: the Prometheus text', async () => {
    const { url } = await serve();
    const status = await ask(`${url}api/status`);
    expect(status.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(status.body)).toEqual(JSON.parse(JSON.stringify(serveDocument(snapshot))));
    const health = await ask(`${url}healthz`);
    expect([health.status, health.body, health.headers['content-type']]).toEqual([
      200,
      'ok\n',
      'text/plain; charset=utf-8',
    ]);
    const metrics = await ask(`${url}metrics`);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('tomcat_pd_target_up{target="web3"} 0');
  });

  it('HEAD: the headers of GET, no body; any other method: 405 with Allow', async () => {
    const { url } = await serve();
    const head = await ask(`${url}api/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(100);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const refused = await ask(`${url}api/status`, { method });
      expect([refused.status, refused.headers.allow]).toEqual([405, 'GET, HEAD']);
    }
    expect((await ask(`${url}events`, { method: 'HEAD' })).status).toBe(200);
    expect(server?.eventClients).toBe(0);
  });

  it('404 for anything else; a query string does not matter', async () => {
    const { url } = await serve();
    expect((await ask(`${url}nope`)).status).toBe(404);
    expect((await ask(`${url}api/status?pretty=1`)).status).toBe(200);
  });

  it('on loopback, a Host header that is no loopback name gets 421 (DNS rebinding)', async () => {
    const { url } = await serve();
    expect((await ask(url, { host: 'evil.example:9440' })).status).toBe(421);
    expect((await ask(url, { host: 'localhost:1234' })).status).toBe(200);
    expect((await ask(url, { host: '[::1]:9440' })).status).toBe(200);
  });

  it('/events: the current view at once, then one event per burst of changes; a closed stream is dropped', async () => {
    const { url } = await serve();
    const events = await fetch(`${url}events`);
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) text += decoder.decode((await reader.read()).value as Uint8Array);
    };
    await until(/\n\n$/);
    expect(text).toMatch(/^retry: 3000\n\nevent: snapshot\nid: 1\ndata: <div id="view"/);
    expect(server?.eventClients).toBe(1);
    snapshot = { ...snapshot, sequence: 2, targets: [web1()] };
    server?.publish();
    snapshot = { ...snapshot, sequence: 3 };
    server?.publish();
    text = '';
    await until(/\n\n$/);
    // The two changes came in one event, of the last snapshot.
    expect(text).toMatch(/^event: snapshot\nid: 3\n/);
    expect(text).not.toContain('web3');
    await reader.cancel();
    // The server hears of the closed stream through its real socket, a moment later: polled until then.
    await vi.waitFor(() => expect(server?.eventClients).toBe(0));
  });

  it('close() ends the event streams and open connections', async () => {
    const { url } = await serve();
    const events = await fetch(`${url}events`);
    const reader = events.body!.getReader();
    await reader.read();
    await server?.close();
    server = undefined;
    let done = false;
    while (!done) done = (await reader.read()).done;
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a port in use: the error of listen', async () => {
    const { url } = await serve();
    const port = Number(new URL(url).port);
    await expect(
      startServer({ host: '127.0.0.1', port, current: () => snapshot, metrics: createServeMetrics() }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('the server with balancers', () => {
  it('the page, /api/status, /metrics and the event stream show them; a change of the balancers alone is pushed', async () => {
    let balancers: BalancerView[] = balancerViews(READ_AT);
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      current: () => snapshot,
      balancers: () => lbView(balancers),
      metrics: createServeMetrics({ balancers: { adminStates: ADMIN_STATES } }),
    });
    const { url } = server;
    const page = await ask(url);
    expect(page.body).toContain('<section class="lb up" data-balancer="lb1">');
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(JSON.parse((await ask(`${url}api/status`)).body)).toEqual(
      JSON.parse(JSON.stringify(serveDocument(snapshot, lbView(balancers)))),
    );
    expect((await ask(`${url}metrics`)).body).toContain(
      'tomcat_pd_lb_member_state{balancer="lb1",member="web1",state="drain"} 1',
    );

    const reader = (await fetch(`${url}events`)).body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) text += decoder.decode((await reader.read()).value as Uint8Array);
    };
    await until(/\n\n$/);
    expect(text).toContain('data-member="web1" data-admin="drain"');
    const [lb1] = balancerViews(READ_AT) as [Extract<BalancerView, { state: 'up' }>];
    balancers = [{ ...lb1, members: [{ ...lb1.members[0]!, admin: 'ready' }] }];
    server.publish();
    text = '';
    await until(/\n\n$/);
    expect(text).toContain('data-member="web1" data-admin="ready"');
    expect((await ask(`${url}metrics`)).body).toContain(
      'tomcat_pd_lb_member_state{balancer="lb1",member="web1",state="ready"} 1',
    );
    await reader.cancel();
  });
});

describe('loopback', () => {
  it('addresses: 127.0.0.0/8, ::1 and IPv4-mapped 127.x; not 0.0.0.0, ::, or others', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1'].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('Host headers: localhost names and loopback addresses, with or without a port', () => {
    const ok = [
      undefined,
      'localhost',
      'LOCALHOST:9440',
      'app.localhost:1',
      '127.0.0.1:9440',
      '[::1]:9440',
      '[::1]',
    ];
    expect(ok.map(isLoopbackHostHeader)).toEqual(ok.map(() => true));
    const refused = [
      'example.com',
      'localhost.example.com:9440',
      '10.0.0.2:9440',
      '[::2]:1',
      '127.0.0.1.nip.io',
    ];
    expect(refused.map(isLoopbackHostHeader)).toEqual(refused.map(() => false));
  });
});
