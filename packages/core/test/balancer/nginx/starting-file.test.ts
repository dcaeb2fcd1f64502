import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NginxBalancerOptions } from '../../../src/balancer/balancer-options.js';
import { writeStartingNginxFile } from '../../../src/balancer/nginx/starting-file.js';
import { BalancerError, UsageError } from '../../../src/errors/error-classes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-starting-file-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const options = (file: string): NginxBalancerOptions => ({
  name: 'front',
  type: 'nginx',
  file,
  test: ['nginx', '-t'],
  reload: ['nginx', '-s', 'reload'],
  servers: { web1: '10.0.0.11:8080', web2: '10.0.0.12:8080' },
  url: 'http://127.0.0.1',
});

describe('writeStartingNginxFile', () => {
  it('writes the managed file with every member ready, then keeps it as it is', async () => {
    const file = join(dir, 'front.conf');
    expect(await writeStartingNginxFile(options(file))).toBe('written');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('{"name":"web1","server":"10.0.0.11:8080","admin":"ready"}');
    expect(text).toContain('{"name":"web2","server":"10.0.0.12:8080","admin":"ready"}');
    expect(await writeStartingNginxFile(options(file))).toBe('kept');
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it("refuses a file that is not tomcat-pd's, and bad options, writing nothing", async () => {
    const file = join(dir, 'mine.conf');
    await writeFile(file, 'upstream mine { server 10.0.0.1:80; }\n');
    await expect(writeStartingNginxFile(options(file))).rejects.toThrow(BalancerError);
    expect(() => writeStartingNginxFile({ ...options(file), servers: {} })).toThrow(UsageError);
  });
});
