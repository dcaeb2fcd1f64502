import { describe, expect, it } from 'vitest';
import { rolloutRecord } from '../helpers/rollout-record.js';
import { ErrorCode, TomcatPdError } from '@tomcat-pd/core';
import { serveDocument } from '../../src/serve/document.js';
import { type FleetSnapshot } from '@tomcat-pd/core';
import { metricsDocument } from '../../src/render/metrics.js';
import { statusDocument } from '../../src/render/status.js';
import { authError, statusWeb1, statusWeb2, withoutMetrics } from '../helpers/reports.js';
import { pretty } from '../helpers/documents.js';
import { balancerViews, lbView } from '../helpers/balancers.js';

const READ_AT = Date.UTC(2026, 11, 2, 10, 0, 0);

function snapshot(): FleetSnapshot {
  const web1 = withoutMetrics(statusWeb1(), READ_AT - 2_000);
  web1.metaspace = { name: 'Metaspace', type: 'Non-heap memory', usedBytes: 100, maxBytes: 1000 };
  web1.apps[0]!.versions[0]!.metrics = {
    deployedAt: READ_AT - 60_000,
    startTime: 'x',
    sessionsCreated: 1,
    requests: 10,
    errors: 1,
    errorRate: 0.1,
    averageSessionSeconds: 0,
  };
  return {
    sequence: 5,
    intervalMs: 10_000,
    targets: [
      {
        state: 'up',
        target: 'web1',
        managerUrl: web1.managerUrl,
        readAt: READ_AT,
        durationMs: 20.4,
        report: web1,
        metrics: { kind: 'status-page', readAt: READ_AT - 2_000 },
      },
      {
        state: 'up',
        target: 'web2',
        managerUrl: 'http://web2:8080/manager',
        readAt: READ_AT,
        durationMs: 5,
        report: withoutMetrics(statusWeb2(), READ_AT),
        metrics: { kind: 'none', reason: new TomcatPdError(ErrorCode.usage, 'no JSON') },
      },
      {
        state: 'down',
        target: 'web3',
        managerUrl: 'http://web3:8080/manager',
        readAt: READ_AT,
        durationMs: 1,
        error: authError('web3'),
        readAgain: false,
      },
      { state: 'pending', target: 'web4', managerUrl: 'http://web4:8080/manager' },
    ],
  };
}

describe('/api/status', () => {
  const document = serveDocument(snapshot());

  it("is status --metrics --json's document: apps with metrics, targets, errors, warnings", () => {
    expect(Object.keys(document)).toEqual(['apps', 'targets', 'errors', 'warnings']);
    const s = snapshot();
    const reports = s.targets.flatMap((t) => (t.state === 'up' ? [t.report] : []));
    const expected = metricsDocument(reports, [{ target: 'web3', error: authError('web3') }]);
    expect(document.apps).toEqual(expected.apps);
    expect(document.errors).toEqual(expected.errors);
    // And what status --json shows of each version, where the metrics are set aside.
    const plain = statusDocument(reports, []);
    expect(
      document.apps.map(({ versions, ...app }) => ({
        ...app,
        versions: versions.map(({ metrics: _m, ...v }) => v),
      })),
    ).toEqual(plain.apps);
    expect(document.apps[0]?.versions[0]?.metrics).toMatchObject({
      requests: 10,
      errorRate: 0.1,
      ageSeconds: 58,
    });
    expect(document.apps.find((app) => app.target === 'web2')?.versions[0]?.metrics).toBeNull();
  });

  it('targets: every target, read or not, with when, how long, and whether the status page was read', async () => {
    await expect(pretty(document.targets)).toMatchFileSnapshot('__snapshots__/document.targets.json');
  });

  it('errors: the down targets with their message and hint in the CLI words', () => {
    expect(document.errors).toEqual([
      {
        target: 'web3',
        error: {
          code: 'E_AUTH',
          message:
            "Tomcat rejected the credentials of user 'deployer' (HTTP 401) at http://web3:8080/manager.",
          hint: 'Check the user and password.',
        },
      },
    ]);
  });
});

describe('/api/status with balancers in the config', () => {
  const document = serveDocument(snapshot(), lbView(balancerViews(READ_AT)));

  it('adds "balancers", "colours" and "restart" after the rest, which stays as it was', () => {
    expect(Object.keys(document)).toEqual([
      'apps',
      'targets',
      'errors',
      'warnings',
      'balancers',
      'colours',
      'restart',
    ]);
    expect(document).toMatchObject({
      colours: { told: false, reason: 'unread', balancers: ['lb2', 'lb3'] },
      restart: null,
    });
    const added = new Set(['balancers', 'colours', 'restart']);
    const rest = Object.fromEntries(Object.entries(document).filter(([key]) => !added.has(key)));
    expect(rest).toEqual(serveDocument(snapshot()));
  });

  it('each balancer with its state; its members as lb status --json has them, null where not known; its error as data', async () => {
    await expect(pretty(document.balancers)).toMatchFileSnapshot('__snapshots__/document.balancers.json');
    const [lb1, lb2, lb3] = document.balancers ?? [];
    expect(lb1).toMatchObject({ state: 'up', readAt: new Date(READ_AT).toISOString(), durationMs: 2 });
    expect(lb1 !== undefined && 'members' in lb1 ? lb1.members[2] : undefined).toEqual({
      name: 'spare',
      target: null,
      admin: 'maint',
      health: 'unchecked',
      inFlight: null,
      idleSeconds: null,
      sessions: null,
    });
    expect(lb2).toMatchObject({
      state: 'down',
      error: { code: 'E_CONNECT', hint: 'Give it more time with --timeout 60s.' },
    });
    expect(lb3).toEqual({
      balancer: 'lb3',
      type: 'nginx',
      address: '/etc/nginx/upstreams.conf',
      state: 'pending',
      readAt: null,
      durationMs: null,
    });
  });
});

describe('/api/status with a paused rollout', () => {
  it('adds "pausedRollouts" as status --json has them; none paused, the document stays as it was', () => {
    const record = rolloutRecord({ pausedAt: new Date(READ_AT) });
    const document = serveDocument(snapshot(), undefined, undefined, [record]);
    expect(document.pausedRollouts).toEqual([
      {
        path: '/shop',
        version: '004',
        afterStep: 1,
        steps: 2,
        took: ['web1'],
        actor: 'alice@ci',
        pausedAt: new Date(READ_AT).toISOString(),
      },
    ]);
    const { pausedRollouts, ...rest } = document;
    expect(pausedRollouts).toHaveLength(1);
    expect(rest).toEqual(serveDocument(snapshot(), undefined, undefined, []));
    expect(serveDocument(snapshot())).not.toHaveProperty('pausedRollouts');
  });
});
