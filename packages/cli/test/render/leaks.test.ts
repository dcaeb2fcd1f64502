import { describe, expect, it } from 'vitest';
import { ConnectionError } from '@tomcat-pd/core';
import { leaksDocument, renderLeaks, summarizeLeaks } from '../../src/render/leaks.js';

const checked = (target: string, leaks: { path: string; undeployedNow: string[] }[]) => ({
  target,
  leaks: { ok: true as const, report: { target, leaks } },
});
const failed = {
  target: 'web3',
  leaks: {
    ok: false as const,
    error: new ConnectionError('Cannot reach the Manager at http://web3/manager.', { transient: true }),
  },
};

describe('leak checks for people and scripts', () => {
  const results = [
    checked('web1', [
      { path: '/shop', undeployedNow: ['001', '002'] },
      { path: '/old', undeployedNow: [] },
    ]),
    checked('web2', []),
    failed,
    { target: 'web4' },
  ];

  it('the document: one entry per checked target; a target that removed nothing is not there', () => {
    expect(leaksDocument(results)).toEqual([
      {
        target: 'web1',
        ok: true,
        leaks: [
          { path: '/shop', undeployedNow: ['001', '002'] },
          { path: '/old', undeployedNow: [] },
        ],
      },
      { target: 'web2', ok: true, leaks: [] },
      { target: 'web3', ok: false, error: expect.objectContaining({ code: 'E_CONNECT' }) },
    ]);
  });

  it('the text says which versions a leak can be and no more, and that only a restart frees it', () => {
    expect(renderLeaks(results).split('\n')).toEqual([
      'web1: a class loader of /shop stayed behind: one of versions 001, 002 undeployed now, or an earlier one of /shop.',
      'web1: a class loader of /old stayed behind from an earlier undeploy, stop or reload.',
      'web2: no class loader stayed behind (findleaks).',
      'web3: the leak check failed: Cannot reach the Manager at http://web3/manager.',
      'Only a restart of Tomcat frees a class loader that stayed behind; each one holds its classes in Metaspace.',
    ]);
    expect(renderLeaks([checked('web2', [])])).toBe('web2: no class loader stayed behind (findleaks).');
    expect(renderLeaks([{ target: 'web4' }])).toBe('');
  });

  it('one line for a cycle of drain --every', () => {
    const web1 = checked('web1', [
      { path: '/shop', undeployedNow: ['001', '002'] },
      { path: '/old', undeployedNow: [] },
    ]);
    expect(summarizeLeaks(web1.leaks)).toBe(
      'class loaders stayed behind: /shop (001, 002 undeployed now), /old',
    );
    expect(summarizeLeaks(failed.leaks)).toBe('the leak check failed (E_CONNECT)');
  });
});
