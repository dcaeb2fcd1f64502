import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appendAuditRecord } from '../../src/events/audit-log.js';
import { startEvent } from '../../src/events/change-event.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-audit-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const record = (app: string) =>
  startEvent({ event: 'deploy', app }, ['web1'], 'a@b', new Date('2026-12-07T10:00:00.000Z'));

async function lines(file: string): Promise<unknown[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

describe('appendAuditRecord', () => {
  it('appends one JSON line per record, keeping what the file held, readable by its owner only', async () => {
    const file = join(dir, 'audit.jsonl');
    await appendAuditRecord(file, record('/shop'));
    await appendAuditRecord(file, record('/cart'));
    expect(await lines(file)).toEqual([record('/shop'), record('/cart')]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('waits for the disk (fsync) after the write, before it returns', async () => {
    const file = join(dir, 'audit.jsonl');
    // The FileHandle class, from a handle of our own: its sync is what fsync(2) is in Node.
    const probe = await open(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { sync: (this: unknown) => Promise<void> };
    await probe.close();
    const calls: string[] = [];
    const sync = prototype.sync;
    vi.spyOn(prototype, 'sync').mockImplementation(async function (this: unknown) {
      calls.push(await readFile(file, 'utf8'));
      return sync.call(this);
    });
    await appendAuditRecord(file, record('/shop'));
    expect(calls).toEqual([`${JSON.stringify(record('/shop'))}\n`]);
  });

  it('keeps a record whole when the process is killed (SIGKILL) right after it was written', async () => {
    const file = join(dir, 'audit.jsonl');
    const module = fileURLToPath(new URL('../../src/events/audit-log.ts', import.meta.url));
    const script = `
      const { appendAuditRecord } = await import(${JSON.stringify(module)});
      await appendAuditRecord(${JSON.stringify(file)}, ${JSON.stringify(record('/shop'))});
      process.stdout.write('written\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('written')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before it wrote`)));
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.kill('SIGKILL');
    const signal = await exited;
    expect(signal).toBe('SIGKILL');
    expect(await lines(file)).toEqual([record('/shop')]);
  });
});
