import { describe, expect, it } from 'vitest';
import type { BlueGreenDeployReport } from '@tomcat-pd/core/balancers';
import {
  blueGreenDeployDocument,
  renderBlueGreenDeploy,
  renderBlueGreenStep,
} from '../../src/render/blue-green.js';

const step = (name: 'deploy' | 'ready' | 'drain', durationMs: number) => ({
  step: name,
  targets: [name === 'drain' ? 'web1' : 'web2'],
  startedAt: '2026-12-07T19:00:00.000Z',
  durationMs,
  outcome: 'done' as const,
});

const report: BlueGreenDeployReport = {
  before: { live: ['web1'], draining: [], idle: ['web2'] },
  after: { told: true, colours: { live: ['web2'], draining: ['web1'], idle: [] } },
  steps: [step('deploy', 2_000), step('ready', 150), step('drain', 40)],
  previous: [
    {
      target: 'web1',
      balancer: 'lb1',
      member: 'web1',
      cookie: 'TOMCAT_PD_PIN=web1',
      url: '/shop/?TOMCAT_PD_PIN=web1',
    },
  ],
  deploy: {
    path: '/shop',
    version: '002',
    targets: [
      {
        target: 'web2',
        path: '/shop',
        version: '002',
        displayName: '/shop##002',
        live: '002',
        previousLive: '001',
        olderVersions: [{ version: '001', sessions: 0 }],
        bytes: 10,
        durationMs: 2_000,
        probes: [],
      },
    ],
  },
  analysis: [],
};

describe('deploy --blue-green output', () => {
  it('says which colour is which now, the steps, and how to reach the previous colour', () => {
    expect(renderBlueGreenDeploy(report)).toBe(
      [
        'Version 002 of /shop is live on web2 (was 001).',
        'web2: no sessions remain on older versions',
        'Colours: live web2; draining web1 (were: live web1; idle web2).',
        'Steps: deploy 2s, ready 150ms, drain 40ms.',
        "While web1 still runs, reach it through lb1 with the cookie TOMCAT_PD_PIN=web1, or at /shop/?TOMCAT_PD_PIN=web1 on the site's address (with the config `lb config haproxy` generates).",
      ].join('\n'),
    );
  });

  it('--json: the deploy document with the colours before and after, the timed steps and the pins', () => {
    const document = blueGreenDeployDocument(report);
    expect(document.version).toBe('002');
    expect(document.blueGreen).toEqual({
      before: report.before,
      after: { live: ['web2'], draining: ['web1'], idle: [] },
      steps: report.steps,
      previous: report.previous,
    });
  });

  it('a step as it starts and as it ends, for stderr', () => {
    expect(renderBlueGreenStep({ ...step('ready', 0), durationMs: undefined, outcome: undefined })).toBe(
      'web2: prove they serve, ready on every balancer, up...',
    );
    expect(renderBlueGreenStep(step('drain', 40))).toBe('drain done in 40ms');
  });
});
