import { describe, expect, it } from 'vitest';
import { NoStatusJsonError } from '../../../src/errors/error-classes.js';
import { getHistory } from '../../../src/ops/history/history.js';
import { contextMetrics, entry, FakeManager } from '../../helpers/fake-client.js';

const versions = () => [
  entry('/shop', '002-aaa1111', 'stopped'),
  entry('/shop', '003-bbb2222', 'running', 2),
  entry('/shop', '004-ccc3333', 'running', 5),
  entry('/other', '001'),
];

describe('getHistory', () => {
  it('every version of the app, newest first, with its build id and what the status page says', async () => {
    const tomcat = new FakeManager(versions());
    tomcat.answerMetrics = (contexts) => ({
      contexts: contexts.map((context) => contextMetrics(context, { requests: 10, created: 7 })),
      memoryPools: [],
    });
    const history = await getHistory(tomcat, { path: '/shop' });
    expect(history).toMatchObject({ target: 'fake', path: '/shop', withMetrics: true });
    expect(
      history.versions.map(({ version, buildId, role, sessions }) => [version, buildId, role, sessions]),
    ).toEqual([
      ['004-ccc3333', 'ccc3333', 'live', 5],
      ['003-bbb2222', 'bbb2222', 'draining', 2],
      ['002-aaa1111', 'aaa1111', 'stopped', 0],
    ]);
    expect(history.versions[0]?.metrics).toMatchObject({ requests: 10, sessionsCreated: 7 });
    expect(history.versions[2]?.metrics).toBeUndefined();
    // A draining version's drain ETA is not shown: no sessions read for it.
    expect(tomcat.calls).toEqual(['status', 'list']);
  });

  it('a server without the status JSON: what list knows', async () => {
    const tomcat = new FakeManager(versions());
    tomcat.answerMetrics = () => {
      throw new NoStatusJsonError('no JSON on this one');
    };
    const history = await getHistory(tomcat, { path: '/shop' });
    expect(history.withMetrics).toBe(false);
    expect(history.versions.map((v) => [v.version, v.metrics])).toEqual([
      ['004-ccc3333', undefined],
      ['003-bbb2222', undefined],
      ['002-aaa1111', undefined],
    ]);
  });

  it('any other failure of the status page is the failure', async () => {
    const tomcat = new FakeManager(versions());
    tomcat.answerMetrics = () => {
      throw new Error('reset');
    };
    await expect(getHistory(tomcat, { path: '/shop' })).rejects.toThrow('reset');
  });
});
