import { describe, expect, it } from 'vitest';
import { parse as parseAbort, change as abortChange } from '../../src/actions/abort.js';
import { parse, change } from '../../src/actions/promote.js';
import { defineAbort } from '../../src/commands/abort.js';
import { definePromote } from '../../src/commands/promote.js';

const promoteLine = (...argv: string[]) => {
  const command = definePromote().exitOverride();
  command.parse(argv, { from: 'user' });
  return { args: command.args, flags: command.opts(), defaults: { path: '/default' } };
};

describe('promote and abort command lines', () => {
  it('promote takes the app and the WAR, and declares a promote of the app', () => {
    const input = parse(promoteLine('--path', '/shop', 'shop.war'));
    expect(input).toEqual({ path: '/shop', warFile: 'shop.war' });
    expect(change(input)).toEqual({ event: 'promote', app: '/shop' });
    expect(parse(promoteLine('shop.war')).path).toBe('/default');
  });

  it('promote without the WAR, or with a bad path, is a usage error', () => {
    expect(() => parse(promoteLine('--path', '/shop'))).toThrowError(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('needs the WAR') }),
    );
    expect(() => parse(promoteLine('--path', 'shop', 'shop.war'))).toThrowError(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });

  it('abort takes the app, and declares an abort of it', () => {
    const command = defineAbort().exitOverride();
    command.parse(['--path', '/shop'], { from: 'user' });
    const input = parseAbort({ args: command.args, flags: command.opts(), defaults: {} });
    expect(abortChange(input)).toEqual({ event: 'abort', app: '/shop' });
  });
});
