import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readRestartRecord,
  restartRecordDocument,
  restartRecordFile,
  restartText,
  startRestartRecord,
  type RestartSeen,
} from '../src/restart-record.js';

const NOW = new Date(Date.UTC(2026, 11, 7, 19, 0, 0));
const here = (alive: boolean) => ({ host: 'ctl1', alive: () => alive });
const step = (name: 'drained' | 'ready', outcome?: 'done' | 'failed') => ({
  step: name,
  startedAt: NOW.toISOString(),
  durationMs: outcome === undefined ? undefined : 10,
  outcome,
});

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'restart-record-'));
}

function start(file: string, warnings: string[] = []) {
  return startRestartRecord({
    file,
    targets: ['web1', 'web2'],
    warn: (text) => warnings.push(text),
    pid: 4242,
    host: 'ctl1',
    now: NOW,
  });
}

describe('restart record', () => {
  it('lies in .tomcat-pd beside the config file', () => {
    expect(restartRecordFile('/etc/shop/tomcat-pd.json')).toBe('/etc/shop/.tomcat-pd/restart.json');
  });

  it('follows each step and counts a target done when its ready step is done; gone at the end', async () => {
    const file = restartRecordFile(join(await folder(), 'tomcat-pd.json'));
    const recorder = start(file);
    expect(readRestartRecord(file, here(true))).toEqual({
      state: 'running',
      record: {
        pid: 4242,
        host: 'ctl1',
        started: '2026-12-07T19:00:00.000Z',
        targets: ['web1', 'web2'],
        target: 'web1',
        step: 'drain',
        done: [],
      },
    });
    recorder.step('web1', step('ready'));
    expect(readRestartRecord(file, here(true))?.record.done).toEqual([]);
    recorder.step('web1', step('ready', 'done'));
    recorder.step('web2', step('drained'));
    expect(readRestartRecord(file, here(true))?.record).toMatchObject({
      target: 'web2',
      step: 'drained',
      done: ['web1'],
    });
    recorder.end();
    expect(readRestartRecord(file, here(true))).toBeUndefined();
    // Nothing left behind: no temporary file either.
    expect(await readdir(join(file, '..'))).toEqual([]);
  });

  it('a record whose process no longer runs on this host is a stopped restart; on another host it is not checked', async () => {
    const file = restartRecordFile(join(await folder(), 'tomcat-pd.json'));
    start(file);
    expect(readRestartRecord(file, here(false))?.state).toBe('stopped');
    expect(readRestartRecord(file, { host: 'ctl2', alive: () => false })?.state).toBe('running');
  });

  it('reads no record from a missing file or one that is not a record', async () => {
    const dir = await folder();
    expect(readRestartRecord(join(dir, 'missing.json'), here(true))).toBeUndefined();
    await writeFile(join(dir, 'cut.json'), '{"pid": 12, "host": "ctl');
    expect(readRestartRecord(join(dir, 'cut.json'), here(true))).toBeUndefined();
    await writeFile(join(dir, 'other.json'), JSON.stringify({ pid: 'x', host: 'ctl1' }));
    expect(readRestartRecord(join(dir, 'other.json'), here(true))).toBeUndefined();
  });

  it('warns once and goes on when the record cannot be written', async () => {
    const dir = await folder();
    // A file where the folder should be: no user, root included, can write the record there.
    await writeFile(join(dir, '.tomcat-pd'), '');
    const warnings: string[] = [];
    const recorder = start(restartRecordFile(join(dir, 'tomcat-pd.json')), warnings);
    recorder.step('web1', step('drained'));
    recorder.end();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Cannot write the restart's record .*restart\.json: /);
  });

  it('says where the roll is, or that it stopped without finishing', () => {
    const record = {
      pid: 4242,
      host: 'ctl1',
      started: '2026-12-07T19:00:00.000Z',
      targets: ['web1', 'web2'],
      target: 'web2',
      step: 'drained' as const,
      done: ['web1'],
    };
    const running: RestartSeen = { state: 'running', record };
    expect(restartText(running)).toBe(
      'restart in progress: web2 at step drained (1 of 2 done) since 2026-12-07T19:00:00.000Z (pid 4242 on ctl1)',
    );
    expect(restartText({ state: 'stopped', record })).toBe(
      'a restart stopped without finishing: web2 at step drained (1 of 2 done), started ' +
        '2026-12-07T19:00:00.000Z by pid 4242 on ctl1, which no longer runs (lb status shows where web2 was left)',
    );
    expect(restartRecordDocument(running)).toEqual({ state: 'running', ...record });
    expect(restartRecordDocument(undefined)).toBeNull();
  });
});
