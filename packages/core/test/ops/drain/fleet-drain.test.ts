import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import type { DrainCycle } from '../../../src/ops/drain/drain-loop.js';
import { fleetDrainPeriodically } from '../../../src/ops/drain/fleet-drain.js';
import { FakeManager, entry } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';

// Each loop waits its interval with the global timer (common/sleep.ts): on the fake clock, none.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function target(name: string, contexts = [entry('/a', '001'), entry('/a', '002')]): FakeManager {
  const tomcat = new FakeManager(contexts);
  tomcat.name = name;
  tomcat.managerUrl = `http://${name}.test/manager`;
  return tomcat;
}

describe('fleetDrainPeriodically', () => {
  it('drains every target on its interval until the signal aborts, each cycle naming its target', async () => {
    const [web1, web2] = [target('web1'), target('web2')];
    const controller = new AbortController();
    const cycles: DrainCycle[] = [];
    await onFakeClock(
      fleetDrainPeriodically([web1, web2], {
        intervalMs: 10,
        graceMs: 0,
        signal: controller.signal,
        onCycle: (cycle) => {
          cycles.push(cycle);
          if (cycles.length >= 4) controller.abort();
        },
      }),
    );
    expect(new Set(cycles.map((cycle) => cycle.target))).toEqual(new Set(['web1', 'web2']));
    expect(web1.changes).toEqual(['undeploy /a##001']);
    expect(web2.changes).toEqual(['undeploy /a##001']);
  });

  it('a 401 on one target stops every loop and is thrown; a cycle that merely fails stops nothing', async () => {
    const [web1, web2, web3] = [target('web1'), target('web2'), target('web3')];
    const refused = new TomcatPdError(ErrorCode.auth, 'Tomcat rejected the credentials (HTTP 401).');
    const reset = new TomcatPdError(ErrorCode.connect, 'the connection was reset');
    let web2Lists = 0;
    web2.list = () => (++web2Lists >= 3 ? Promise.reject(refused) : FakeManager.prototype.list.call(web2));
    web3.failNext.set('list', reset);
    const said: string[] = [];
    const cycles: DrainCycle[] = [];
    const loops = fleetDrainPeriodically([web1, web2, web3], {
      intervalMs: 10,
      graceMs: 0,
      logger: { info: (message) => said.push(message) },
      onCycle: (cycle) => cycles.push(cycle),
    });
    await expect(onFakeClock(loops)).rejects.toBe(refused);
    expect(said).toContain('web2: Tomcat rejected the credentials (HTTP 401). Stopping the other targets.');
    expect(cycles.find((cycle) => cycle.target === 'web3' && cycle.error !== undefined)?.error).toBe(reset);
    // web1 and web3 drained on until the refusal stopped them.
    expect(cycles.filter((cycle) => cycle.target === 'web1').length).toBeGreaterThanOrEqual(1);
  });
});
