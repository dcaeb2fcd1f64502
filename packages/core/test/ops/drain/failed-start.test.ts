import { describe, expect, it } from 'vitest';
import { describeApp } from '../../../src/ops/app-status.js';
import { failedBeforeUnpacking } from '../../../src/ops/drain/failed-start.js';
import { planDrain } from '../../../src/ops/drain/plan-drain.js';
import type { ContextEntry } from '../../../src/manager/parse/types.js';
import { entry } from '../../helpers/fake-client.js';

/** A stopped context still listed with its WAR: it failed before Tomcat could unpack it. */
const unpackedNever = (path: string, version: string): ContextEntry => ({
  ...entry(path, version, 'stopped'),
  name: `${entry(path, version).name}.war`,
});

const actions = (entries: ContextEntry[]) =>
  Object.fromEntries(
    planDrain([describeApp(entries, '/shop')])[0]!.decisions.map((d) => [d.version, d.action]),
  );

describe('failedBeforeUnpacking and the drain of what a crash left', () => {
  it('undeploys a stopped version above the live one when its WAR never unpacked', () => {
    const entries = [entry('/shop', '001'), unpackedNever('/shop', '002')];
    const app = describeApp(entries, '/shop');
    expect(failedBeforeUnpacking(app, app.versions[1]!)).toBe(true);
    expect(actions(entries)).toEqual({ '001': 'keep', '002': 'undeploy' });
    expect(planDrain([app])[0]!.decisions[1]!.reason).toMatch(/failed to start/);
  });

  it('keeps a roll-forward target: stopped above live, but unpacked (it ran before)', () => {
    const entries = [entry('/shop', '001'), entry('/shop', '002', 'stopped')];
    const app = describeApp(entries, '/shop');
    expect(failedBeforeUnpacking(app, app.versions[1]!)).toBe(false);
    expect(actions(entries)).toEqual({ '001': 'keep', '002': 'keep' });
  });

  it('cannot tell when the Host does not unpack WARs, nor without a live version: keeps', () => {
    const notUnpacking = [{ ...entry('/shop', '001'), name: 'shop##001.war' }, unpackedNever('/shop', '002')];
    expect(actions(notUnpacking)).toEqual({ '001': 'keep', '002': 'keep' });
    const descriptor = [{ ...entry('/shop', '001'), name: '/srv/shop##001' }, unpackedNever('/shop', '002')];
    expect(actions(descriptor)).toEqual({ '001': 'keep', '002': 'keep' });
    expect(actions([unpackedNever('/shop', '001')])).toEqual({ '001': 'keep' });
    const running = describeApp(
      [entry('/shop', '001'), { ...entry('/shop', '002'), name: 'shop##002.war' }],
      '/shop',
    );
    expect(failedBeforeUnpacking(running, running.versions[1]!)).toBe(false);
  });
});
