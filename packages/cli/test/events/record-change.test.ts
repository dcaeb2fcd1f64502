import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, TomcatPdError } from '@tomcat-pd/core';
import { recordChange } from '../../src/events/record-change.js';
import type { ChangeEvent } from '../../src/events/change-event.js';
import { fakeContext } from '../helpers/fake-context.js';

let dir: string;
let server: Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-change-'));
  vi.stubEnv('TOMCAT_PD_ACTOR', 'ci job 7');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A webhook that takes every document. */
async function webhook(): Promise<{ url: string; received: ChangeEvent[] }> {
  const received: ChangeEvent[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChangeEvent);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/T0/secret`, received };
}

async function auditLines(file: string): Promise<ChangeEvent[]> {
  const text = await readFile(file, 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ChangeEvent);
}

const CHANGE = { start: { event: 'deploy' as const, app: '/shop' }, targets: ['web1', 'web2'] };

describe('recordChange', () => {
  it('writes the start before the command runs and the end after, to the audit file and the webhooks alike', async () => {
    const hook = await webhook();
    const file = join(dir, 'audit.jsonl');
    const { context, stderr } = fakeContext();
    let seenBeforeRun: ChangeEvent[] = [];
    await recordChange({ notify: [hook.url], auditLog: file }, CHANGE, context.output, async () => {
      seenBeforeRun = await auditLines(file);
      return { version: '004' };
    });
    expect(seenBeforeRun.map((event) => event.phase)).toEqual(['start']);
    const written = await auditLines(file);
    expect(written).toEqual(hook.received);
    expect(written).toMatchObject([
      {
        event: 'deploy',
        phase: 'start',
        app: '/shop',
        version: null,
        actor: 'ci job 7',
        targets: ['web1', 'web2'],
      },
      { event: 'deploy', phase: 'end', app: '/shop', version: '004', outcome: 'ok' },
    ]);
    expect(stderr.text).toBe('');
  });

  it("ends a failed command with its outcome and code, and throws the command's own error", async () => {
    const file = join(dir, 'audit.jsonl');
    const failure = new TomcatPdError(ErrorCode.tomcatFail, 'FAIL - failed to start');
    const { context } = fakeContext();
    await expect(
      recordChange({ notify: [], auditLog: file }, CHANGE, context.output, () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    expect((await auditLines(file))[1]).toMatchObject({
      phase: 'end',
      outcome: 'failed',
      code: 'E_TOMCAT_FAIL',
    });
  });

  it('does not run the command when the start cannot be written to the audit file', async () => {
    const run = vi.fn(() => Promise.resolve());
    const { context } = fakeContext();
    const missing = join(dir, 'no-such-folder', 'audit.jsonl');
    const error = (await recordChange({ notify: [], auditLog: missing }, CHANGE, context.output, run).catch(
      (e: unknown) => e,
    )) as TomcatPdError;
    expect(error.code).toBe(ErrorCode.usage);
    expect(error.message).toContain(missing);
    expect(run).not.toHaveBeenCalled();
  });

  it('warns when the end cannot be written to the audit file, and the command keeps its result', async () => {
    const folder = join(dir, 'logs');
    await mkdir(folder);
    const file = join(folder, 'audit.jsonl');
    const { context, stderr } = fakeContext();
    await recordChange({ notify: [], auditLog: file }, CHANGE, context.output, async () => {
      // The folder went away while the command ran.
      await rm(folder, { recursive: true });
    });
    expect(stderr.text).toContain(
      `warning: The audit file ${file} did not take the end of the change: ENOENT`,
    );
  });

  it('warns about a webhook that is down, by its origin only, and the command goes on', async () => {
    const hook = await webhook();
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const { context, stderr } = fakeContext();
    const run = vi.fn(() => Promise.resolve());
    await recordChange({ notify: [hook.url], auditLog: undefined }, CHANGE, context.output, run);
    expect(run).toHaveBeenCalledOnce();
    const origin = new URL(hook.url).origin;
    expect(stderr.text).toContain(
      `The webhook at ${origin} did not take the start of the deploy: ECONNREFUSED`,
    );
    expect(stderr.text).toContain(
      `The webhook at ${origin} did not take the end of the deploy: ECONNREFUSED`,
    );
    expect(stderr.text).not.toContain('secret');
  });
});
