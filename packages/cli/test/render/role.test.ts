import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import type { VersionRole } from '@tomcat-pd/core';
import { paintRole, showVersion } from '../../src/render/role.js';
import { ANSI, sgr } from '../helpers/fake-context.js';

const ROLES: VersionRole[] = ['live', 'draining', 'drained', 'stopped'];

describe('paintRole', () => {
  it('without colours: the role as it is', () => {
    const plain = pc.createColors(false);
    for (const role of ROLES) expect(paintRole(role, plain)).toBe(role);
  });

  it('with colours: live green, draining yellow, drained dim, stopped red', () => {
    const colors = pc.createColors(true);
    expect(ROLES.map((role) => paintRole(role, colors))).toEqual([
      sgr(32, 39, 'live'),
      sgr(33, 39, 'draining'),
      sgr(2, 22, 'drained'),
      sgr(31, 39, 'stopped'),
    ]);
    for (const role of ROLES) expect(paintRole(role, colors)).toMatch(ANSI);
  });
});

describe('showVersion', () => {
  it('shows an unversioned context as `(unversioned)`, any other version as it is', () => {
    expect(showVersion('')).toBe('(unversioned)');
    expect(showVersion('003')).toBe('003');
    expect(showVersion('001.004.000')).toBe('001.004.000');
    expect(showVersion(' ')).toBe(' ');
  });
});
