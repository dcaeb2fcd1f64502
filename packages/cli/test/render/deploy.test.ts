import { describe, expect, it } from 'vitest';
import type { FleetDeployResult } from '@tomcat-pd/core';
import { deployDocument, renderDeploy } from '../../src/render/deploy.js';
import { deployTarget } from '../helpers/reports.js';
import { pretty } from '../helpers/documents.js';

const lines = (...rows: string[]) => rows.join('\n');

function fleet(...targets: FleetDeployResult['targets']): FleetDeployResult {
  return { path: '/shop', version: '004', targets };
}

describe('deployDocument', () => {
  it('per target: live, previous live (null on a first deploy), older versions, bytes, duration', async () => {
    const result = fleet(
      deployTarget('web1', '003', [
        { version: '002', sessions: 0 },
        { version: '003', sessions: 2 },
      ]),
      deployTarget('web2', undefined, [], { bytes: 0, durationMs: 15 }),
    );
    const document = deployDocument(result);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/deploy.fleet.json');
  });

  it('keeps `previousLive: null` in the JSON text', () => {
    expect(JSON.stringify(deployDocument(fleet(deployTarget('web1', undefined, []))))).toContain(
      '"previousLive":null',
    );
  });

  it('an unversioned previous version stays "", not null; the ROOT app is `/##004`', async () => {
    const result: FleetDeployResult = {
      path: '/',
      version: '004',
      targets: [
        deployTarget('web1', '', [{ version: '', sessions: 1 }], { path: '/', displayName: '/##004' }),
      ],
    };
    const document = deployDocument(result);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/deploy.root-unversioned-before.json');
    expect(document.displayName).toBe('/##004');
    expect(document.targets[0]?.previousLive).toBe('');
  });

  it('computes displayName from path and version (not from a target)', async () => {
    const document = deployDocument({ path: '/a/b', version: '010', targets: [] });
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/deploy.no-targets.json');
    expect(document.displayName).toBe('/a/b##010');
  });
});

describe('renderDeploy', () => {
  it('one target: its name, the version it replaced, and where the old sessions are', () => {
    const result = fleet(
      deployTarget('web1', '003', [
        { version: '002', sessions: 0 },
        { version: '003', sessions: 2 },
      ]),
    );
    expect(renderDeploy(result)).toBe(
      lines('Version 004 of /shop is live on web1 (was 003).', 'web1: 003 keeps 2 sessions'),
    );
  });

  it('several targets with the same previous version: said once; a line per target with older versions', () => {
    const result = fleet(
      deployTarget('web1', '003', [
        { version: '001', sessions: 5 },
        { version: '002', sessions: 1 },
        { version: '003', sessions: 2 },
      ]),
      deployTarget('web2', '003', [{ version: '003', sessions: 0 }]),
    );
    expect(renderDeploy(result)).toBe(
      lines(
        'Version 004 of /shop is live on 2 targets (was 003).',
        // Newest first: the version a rollback would return to.
        'web1: 003 keeps 2 sessions, 002 keeps 1 session, 001 keeps 5 sessions',
        'web2: no sessions remain on older versions',
      ),
    );
  });

  it('several targets with different previous versions: each named, `none` for a first deploy', () => {
    const result = fleet(
      deployTarget('web1', '003', [{ version: '003', sessions: 1 }]),
      deployTarget('web2', '001', [
        { version: '001', sessions: 0 },
        { version: '002', sessions: 0 },
      ]),
      deployTarget('web3', undefined, []),
    );
    expect(renderDeploy(result)).toBe(
      lines(
        'Version 004 of /shop is live on 3 targets (was 003 on web1, 001 on web2, none on web3).',
        'web1: 003 keeps 1 session',
        'web2: no sessions remain on older versions',
      ),
    );
  });

  it('a first deploy everywhere: no `(was ...)` and no session lines', () => {
    expect(renderDeploy(fleet(deployTarget('web1', undefined, [])))).toBe(
      'Version 004 of /shop is live on web1.',
    );
    expect(
      renderDeploy(fleet(deployTarget('web1', undefined, []), deployTarget('web2', undefined, []))),
    ).toBe('Version 004 of /shop is live on 2 targets.');
  });

  it('an unversioned previous version and an unversioned older one are shown as `(unversioned)`', () => {
    const result: FleetDeployResult = {
      path: '/',
      version: '004',
      targets: [
        deployTarget('web1', '', [{ version: '', sessions: 1 }], { path: '/', displayName: '/##004' }),
        deployTarget('web2', '003', [], { path: '/', displayName: '/##004' }),
      ],
    };
    expect(renderDeploy(result)).toBe(
      lines(
        'Version 004 of / is live on 2 targets (was (unversioned) on web1, 003 on web2).',
        'web1: (unversioned) keeps 1 session',
      ),
    );
  });
});

describe('the analysis in the deploy document and text', () => {
  it('one entry per target that was analysed, figures as fractions, null without requests', async () => {
    const { deployDocument, renderDeploy } = await import('../../src/render/deploy.js');
    const analysis = {
      target: 'web1',
      path: '/shop',
      version: '004',
      verdict: 'pass' as const,
      requests: 480,
      errors: 2,
      errorRate: 2 / 480,
      baseline: { version: '003', requests: 0, errors: 0, errorRate: null },
      windowMs: 300_000,
      samples: 31,
      restarts: 0,
    };
    const result = {
      path: '/shop',
      version: '004',
      targets: [
        {
          target: 'web1',
          path: '/shop',
          version: '004',
          displayName: '/shop##004',
          live: '004',
          previousLive: '003',
          olderVersions: [],
          bytes: 10,
          durationMs: 5,
          probes: [],
          analysis,
        },
      ],
    };
    expect(deployDocument(result).analysis).toEqual([analysis]);
    expect(renderDeploy(result).split('\n').at(-1)).toBe(
      'web1: analysis pass: 0.4% errors (2 of 480 requests) in 300 s; version 003: no requests',
    );
  });
});
