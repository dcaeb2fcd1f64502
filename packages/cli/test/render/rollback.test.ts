import { describe, expect, it } from 'vitest';
import { renderRollback, rollbackDocument } from '../../src/render/rollback.js';
import { rollbackTargets } from '../helpers/reports.js';
import { pretty } from '../helpers/documents.js';

describe('rollbackDocument', () => {
  it('is the path and, per target, the RollbackResult without its path (warnings as data)', async () => {
    const document = rollbackDocument({ path: '/shop', targets: rollbackTargets() });
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/rollback.fleet.json');
    for (const target of document.targets) expect(target).not.toHaveProperty('path');
  });

  it('takes the path of the fleet result, not of a target', () => {
    expect(rollbackDocument({ path: '/', targets: [] })).toEqual({ path: '/', targets: [], probes: [] });
  });
});

describe('renderRollback', () => {
  it('one line per target: the live version, what was done, the sessions lost (if any)', () => {
    expect(renderRollback(rollbackTargets())).toBe(
      [
        'web1: 003 is live again (undeployed 005, 004; 3 sessions lost)',
        'web2: 004 is live again (stopped 005; 1 session lost)',
        'web3: (unversioned) is live again (undeployed 001)',
      ].join('\n'),
    );
  });

  it('a removed unversioned context is shown as `(unversioned)`; no target: nothing', () => {
    const [web1] = rollbackTargets();
    expect(renderRollback([{ ...web1!, versions: ['004', ''], sessionsLost: 0 }])).toBe(
      'web1: 003 is live again (undeployed 004, (unversioned))',
    );
    expect(renderRollback([])).toBe('');
  });
});
