import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpecOf } from '../../../src/balancer/balancer-options.js';
import { createNginxDriver, writeInitialNginxFile } from '../../../src/balancer/nginx/nginx-driver.js';

const spec: SpecOf<'nginx'> = {
  type: 'nginx',
  name: 'front',
  timeoutMs: 5_000,
  members: {},
  file: '/nowhere/tomcat-pd.conf',
  test: ['nginx', '-t'],
  reload: ['nginx', '-s', 'reload'],
  servers: { web1: '10.0.0.1:8080', web2: '10.0.0.2:8080' },
  url: 'http://127.0.0.1:8080',
};

describe('createNginxDriver', () => {
  it('names itself by the file it owns', () => {
    expect(createNginxDriver(spec)).toMatchObject({ name: 'front', type: 'nginx', address: spec.file });
  });

  it('refuses a member name that is no route before anything is read', () => {
    expect(() => createNginxDriver({ ...spec, servers: { 'a b': '10.0.0.1:8080' } })).toThrow(/jvmRoute/);
  });

  it("reads the initial file: every member ready and unchecked, the file's generation", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-driver-'));
    try {
      const file = join(dir, 'tomcat-pd.conf');
      const driver = createNginxDriver({ ...spec, file });
      await expect(driver.read()).rejects.toMatchObject({ code: 'E_BALANCER', answer: 'no file' });
      expect(await writeInitialNginxFile({ ...spec, file })).toBe('written');
      const reading = await driver.read();
      expect(reading.members).toEqual([
        { name: 'web1', admin: 'ready', health: 'unchecked' },
        { name: 'web2', admin: 'ready', health: 'unchecked' },
      ]);
      expect(await readFile(file, 'utf8')).toContain(`default "${reading.generation}";`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what the file system refused, as a balancer error', async () => {
    await expect(writeInitialNginxFile(spec)).rejects.toMatchObject({
      code: 'E_BALANCER',
      message: 'Balancer front: tomcat-pd could not write /nowhere/tomcat-pd.conf: ENOENT.',
    });
  });

  it('refuses to send to a member it has no server for, before anything is read', async () => {
    await expect(createNginxDriver(spec).send('web9', 'drain')).rejects.toMatchObject({
      code: 'E_USAGE',
      message: 'Balancer front has no member web9; its members: web1, web2.',
    });
  });
});
