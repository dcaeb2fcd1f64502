import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionError, UsageError, type ManagerClient } from '@tomcat-pd/core';
import type { Balancer } from '@tomcat-pd/core/balancers';
import { parse, parseListen, run } from '../../src/actions/serve.js';
import { defineServe } from '../../src/commands/serve.js';
import type { CliContext } from '../../src/context.js';
import { fakeContext } from '../helpers/fake-context.js';

/** serve's command line as commander parses it from the definition. */
const line = (options: { listen?: string; interval?: string }) => {
  const argv = Object.entries(options).flatMap(([flag, value]) => [`--${flag}`, value]);
  return { args: [], flags: defineServe().exitOverride().parse(argv, { from: 'user' }).opts(), defaults: {} };
};

describe('serve: parse', () => {
  it('defaults: 127.0.0.1:9440, every 10 s', () => {
    expect(parse(line({}))).toMatchObject({
      listen: { host: '127.0.0.1', port: 9440 },
      watch: { intervalMs: 10_000, metrics: true },
    });
  });

  it('--listen HOST:PORT, [IPv6]:PORT, a port alone (loopback), port 0 (any free one)', () => {
    expect(parseListen('0.0.0.0:8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseListen('localhost:9440')).toEqual({ host: 'localhost', port: 9440 });
    expect(parseListen('[::1]:9440')).toEqual({ host: '::1', port: 9440 });
    expect(parseListen('[::]:1')).toEqual({ host: '::', port: 1 });
    expect(parseListen('9441')).toEqual({ host: '127.0.0.1', port: 9441 });
    expect(parseListen('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('refuses what is no HOST:PORT, saying what it takes', () => {
    for (const bad of [
      '',
      'web1',
      '127.0.0.1',
      '127.0.0.1:',
      '1.2.3.4:65536',
      '::1:9440',
      'a:b:1',
      'host:-1',
    ]) {
      expect(() => parseListen(bad), bad).toThrow(/--listen takes HOST:PORT/);
    }
    expect(() => parseListen(':9440')).toThrow(
      '--listen needs a host before the port: 127.0.0.1:9440 for this machine, 0.0.0.0:9440 for every interface.',
    );
  });

  it('--interval: a duration of 1 s or more', () => {
    expect(parse(line({ interval: '1s' })).watch.intervalMs).toBe(1_000);
    expect(parse(line({ interval: '2m' })).watch.intervalMs).toBe(120_000);
    expect(() => parse(line({ interval: '500ms' }))).toThrow('--interval takes 1s or more, not "500ms".');
    expect(() => parse(line({ interval: 'often' }))).toThrow(/--interval takes a duration/);
  });
});

/** A target that cannot be reached: enough for the command to serve and read. */
function downClient(name: string): ManagerClient {
  const refuse = () =>
    Promise.reject(new ConnectionError(`${name}: connection refused.`, { transient: true }));
  return {
    name,
    managerUrl: `http://${name}:8080/manager`,
    appUrl: `http://${name}:8080`,
    list: refuse,
    serverMetrics: refuse,
  } as Partial<ManagerClient> as ManagerClient;
}

/** Runs serve until its URL is on stdout, then aborts it as SIGTERM would; what it wrote. */
async function serveOnce(listen: string, json = false, more: Partial<CliContext> = {}) {
  const { context, stdout, stderr } = fakeContext({ json });
  const controller = new AbortController();
  const served: CliContext = {
    ...context,
    signal: controller.signal,
    clients: () => Promise.resolve([downClient('web1')]),
    ...more,
  };
  const printed = stdout.nextWrite();
  const running = run(served, parse(line({ listen, interval: '1s' })));
  // The URL once it listens; should serve fail instead, its error.
  await Promise.race([printed, running]);
  const url = /(http:\/\/\S+\/)/.exec(stdout.text)?.[1] ?? '';
  const page = await fetch(`${url}api/status`).then((answer) => answer.json());
  controller.abort();
  await running;
  return {
    stdout: stdout.text,
    stderr: stderr.text,
    url,
    page: page as { targets: { target: string }[]; balancers?: { balancer: string; state: string }[] },
  };
}

describe('serve: run', () => {
  it('prints the URL on stdout, serves until aborted, then stops cleanly', async () => {
    const { stdout, stderr, url, page } = await serveOnce('127.0.0.1:0');
    expect(stdout).toMatch(/^Serving http:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect(page.targets.map((t) => t.target)).toEqual(['web1']);
    expect(stderr).toContain('Reading web1 every 1 s; Ctrl-C stops.');
    expect(stderr).toContain('Stopped.');
    expect(stderr).not.toContain('warning');
    await expect(fetch(url)).rejects.toThrow();
  });

  it('--json: the URL as one JSON line', async () => {
    const { stdout } = await serveOnce('127.0.0.1:0', true);
    expect(JSON.parse(stdout)).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) });
  });

  it('a non-loopback address: a warning that other machines can read it', async () => {
    const { stderr } = await serveOnce('0.0.0.0:0');
    expect(stderr).toMatch(
      /warning: serve listens on http:\/\/0\.0\.0\.0:\d+\/, which other machines can reach/,
    );
    expect(stderr).toContain('never a password');
  });

  it('a port in use is a usage error that says so', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const { context } = fakeContext();
    const served: CliContext = { ...context, clients: () => Promise.resolve([downClient('web1')]) };
    try {
      await expect(run(served, parse(line({ listen: `127.0.0.1:${port}` })))).rejects.toMatchObject({
        code: 'E_USAGE',
        message: `Cannot listen on 127.0.0.1:${port}: the port is in use.`,
        hint: 'Choose another address or port with --listen HOST:PORT.',
      });
    } finally {
      taken.close();
    }
  });
});

/** A balancer that cannot be reached: enough for serve to show it unreadable. */
function downBalancer(name: string): Balancer {
  return {
    name,
    type: 'haproxy',
    address: `/run/${name}.sock`,
    read: () => Promise.reject(new ConnectionError(`Cannot reach balancer ${name}.`, { transient: true })),
    send: () => Promise.reject(new Error('serve changes nothing')),
    memberName: (target) => target,
  };
}

/** A config file as read, with one balancer (serve builds the balancers only with one). */
const withBalancer: CliContext['config'] = {
  source: '/etc/tomcat-pd.json',
  targets: [],
  balancers: [{ name: 'lb1', type: 'haproxy', socket: '/run/haproxy.sock', backend: 'shop' }],
  defaults: {},
};

describe('serve: run with balancers in the config', () => {
  it('reads them too, and a balancer that cannot be read shows as such; the rest goes on', async () => {
    const { stderr, page } = await serveOnce('127.0.0.1:0', false, {
      config: withBalancer,
      balancers: () => Promise.resolve([downBalancer('lb1')]),
    });
    expect(stderr).toContain('Reading web1 and balancer lb1 every 1 s; Ctrl-C stops.');
    expect(page.balancers?.map((entry) => entry.balancer)).toEqual(['lb1']);
    expect(stderr).toContain('Stopped.');
  });

  it('without balancers: they are neither built nor shown', async () => {
    let asked = false;
    const { page } = await serveOnce('127.0.0.1:0', false, {
      balancers: () => {
        asked = true;
        return Promise.resolve([]);
      },
    });
    expect(asked).toBe(false);
    expect(page.balancers).toBeUndefined();
  });

  it("a balancer's missing credential is a usage error before serve listens", async () => {
    const { context, stdout } = fakeContext();
    const served: CliContext = {
      ...context,
      clients: () => Promise.resolve([downClient('web1')]),
      config: withBalancer,
      balancers: () =>
        Promise.reject(new UsageError('Balancer lb1: its password comes from $LB_PW, which is not set.')),
    };
    await expect(run(served, parse(line({ listen: '127.0.0.1:0' })))).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    expect(stdout.text).toBe('');
  });
});
