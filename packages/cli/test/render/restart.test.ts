import { describe, expect, it } from 'vitest';
import type { RestartReport } from '@tomcat-pd/core/balancers';
import {
  renderRestart,
  renderRestartPlan,
  renderStepProgress,
  restartDocument,
} from '../../src/render/restart.js';

const step = (name: 'drain' | 'exec', durationMs: number) =>
  ({ step: name, startedAt: '2026-12-07T17:00:00.000Z', durationMs, outcome: 'done' }) as const;

const report: RestartReport = {
  targets: [
    { target: 'web1', steps: [step('drain', 120), step('exec', 4_000)], sessionsLost: 0, outcome: 'done' },
    { target: 'web2', steps: [step('drain', 80)], sessionsLost: 3, outcome: 'done' },
  ],
};

describe('restart rendering', () => {
  it('one line per step per target with its time, and the sessions lost', () => {
    const lines = renderRestart(report).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^web1 drain +done \S+$/);
    expect(lines[3]).toBe('web2 lost 3 sessions (--on-max-drain proceed)');
  });

  it('--json: the per-target steps', () => {
    expect(restartDocument(report)).toEqual({ targets: report.targets });
  });

  it('progress: a step as it starts and as it ends', () => {
    expect(
      renderStepProgress('web1', { ...step('exec', 0), durationMs: undefined, outcome: undefined }),
    ).toBe('web1: run the command...');
    expect(renderStepProgress('web1', step('exec', 4_000))).toMatch(/^web1: exec done in /);
  });

  it('--dry-run: the order with the steps', () => {
    const text = renderRestartPlan({ order: ['web2', 'web1'], tooFewReady: [] });
    expect(text.split('\n').map((line) => line.slice(0, 8))).toEqual(['1. web2:', '2. web1:']);
  });
});
