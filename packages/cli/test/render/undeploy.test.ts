import { describe, expect, it } from 'vitest';
import { renderUndeploy, undeployDocument } from '../../src/render/undeploy.js';
import { targetErrors, tomcatFailError, undeployResult } from '../helpers/reports.js';
import { pretty } from '../helpers/documents.js';

describe('undeployDocument', () => {
  it('is the path and version asked for, one entry per target that undeployed, and the errors', async () => {
    const results = [undeployResult('web1', true, 2), undeployResult('web4', false, 0)];
    const document = undeployDocument('/shop', '003', results, targetErrors());
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/undeploy.fleet.json');
  });

  it('an unversioned context: `version: ""`; no target undeployed it: `targets: []`', async () => {
    const document = undeployDocument('/', '', [], [{ target: 'web4', error: tomcatFailError() }]);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/undeploy.root-none-undeployed.json');
    expect(document).toMatchObject({ version: '', targets: [] });
  });
});

describe('renderUndeploy', () => {
  it('a line per target: the live one with its sessions lost, another with or without sessions', () => {
    expect(
      renderUndeploy([
        undeployResult('web1', true, 2),
        undeployResult('web2', false, 1),
        undeployResult('web3', false, 0),
        undeployResult('web4', true, 0),
      ]),
    ).toBe(
      [
        'Undeployed /shop##003 from web1 (it was live; 2 sessions lost).',
        'Undeployed /shop##003 from web2 (1 session lost).',
        'Undeployed /shop##003 from web3.',
        'Undeployed /shop##003 from web4 (it was live; 0 sessions lost).',
      ].join('\n'),
    );
  });

  it('names the context as Tomcat does: `/shop` unversioned, `/##003` for ROOT', () => {
    expect(
      renderUndeploy([
        undeployResult('web1', false, 0, { version: '' }),
        undeployResult('web2', false, 3, { path: '/' }),
      ]),
    ).toBe(['Undeployed /shop from web1.', 'Undeployed /##003 from web2 (3 sessions lost).'].join('\n'));
  });

  it('says nothing of the targets that failed: an empty text without results', () => {
    expect(renderUndeploy([])).toBe('');
  });
});
