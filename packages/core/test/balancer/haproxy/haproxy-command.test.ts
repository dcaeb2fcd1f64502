import { describe, expect, it } from 'vitest';
import {
  escapeArgument,
  invalidName,
  setServerState,
  showServersState,
  showStat,
} from '../../../src/balancer/haproxy/haproxy-command.js';

describe('the runtime API commands', () => {
  it('builds the commands the driver sends', () => {
    expect(showServersState('tomcats')).toBe('show servers state tomcats');
    expect(showStat('tomcats')).toBe('show stat tomcats 4 -1');
    expect(setServerState('tomcats', 'web1', 'drain')).toBe('set server tomcats/web1 state drain');
  });

  it('escapes ";" (which would start a second command) and "\\" in every argument', () => {
    expect(escapeArgument('a;b\\c')).toBe('a\\;b\\\\c');
    expect(setServerState('be;x', 'web\\1', 'maint')).toBe('set server be\\;x/web\\\\1 state maint');
  });

  it('refuses names HAProxy cannot have: empty, whitespace, a newline that would start a second command', () => {
    expect(invalidName('web1.example-01:a_b')).toBeUndefined();
    expect(invalidName('')).toBe('it is empty');
    expect(invalidName('web1\nset server tomcats/web2 state maint')).toMatch(/whitespace or a control/);
    expect(invalidName('web 1')).toMatch(/whitespace/);
  });
});
