import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpecOf } from '../../../src/balancer/balancer-options.js';
import { renderNginxFile } from '../../../src/balancer/nginx/nginx-file.js';
import { findManagedFile, nextState } from '../../../src/balancer/nginx/nginx-state.js';

const spec: SpecOf<'nginx'> = {
  type: 'nginx',
  name: 'front',
  timeoutMs: 5_000,
  members: {},
  file: '/nowhere/tomcat-pd.conf',
  test: ['nginx', '-t'],
  reload: ['nginx', '-s', 'reload'],
  servers: { web1: '10.0.0.1:8080', web3: '10.0.0.3:8080' },
  url: 'http://127.0.0.1:8080',
};

describe('nextState', () => {
  const current = {
    balancer: 'front',
    generation: 'g1',
    members: [
      { name: 'web1', admin: 'drain', server: '10.0.0.9:8080' },
      { name: 'web2', admin: 'maint', server: '10.0.0.2:8080' },
    ],
  } as const;

  it("keeps the file's states, takes the addresses of `servers`, and applies the change", () => {
    const next = nextState(spec, current, { member: 'web3', admin: 'maint' });
    expect(next.members).toEqual([
      { name: 'web1', admin: 'drain', server: '10.0.0.1:8080' },
      { name: 'web3', admin: 'maint', server: '10.0.0.3:8080' },
    ]);
    expect(next.generation).not.toBe('g1');
    expect(next.balancer).toBe('front');
  });

  it('starts every member ready without a file, with a new generation each time', () => {
    const [a, b] = [nextState(spec, undefined), nextState(spec, undefined)];
    expect(a.members.map((member) => member.admin)).toEqual(['ready', 'ready']);
    expect(a.generation).not.toBe(b.generation);
  });
});

describe('findManagedFile', () => {
  it("refuses another balancer's file, naming it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-state-'));
    try {
      const file = join(dir, 'tomcat-pd.conf');
      await writeFile(file, renderNginxFile({ balancer: 'back', generation: 'g', members: [] }));
      await expect(findManagedFile({ ...spec, file })).rejects.toMatchObject({
        code: 'E_BALANCER',
        message: `Balancer front: ${file} is not the file tomcat-pd writes for it: it is balancer back's; tomcat-pd neither reads nor overwrites it.`,
      });
      expect(await findManagedFile({ ...spec, file: join(dir, 'none.conf') })).toEqual({
        text: undefined,
        state: undefined,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
