import { describe, expect, it } from 'vitest';
import { parse as parseDeploy } from '../../src/actions/deploy.js';
import { parse as parseRollback } from '../../src/actions/rollback.js';
import { defineDeploy } from '../../src/commands/deploy.js';
import { defineRollback } from '../../src/commands/rollback.js';

const deployLine = (...argv: string[]) => {
  const command = defineDeploy().exitOverride();
  command.parse(['shop.war', '--path', '/shop', ...argv], { from: 'user' });
  return { args: command.args, flags: command.opts(), defaults: {} };
};
const rollbackLine = (...argv: string[]) => {
  const command = defineRollback().exitOverride();
  command.parse(['--path', '/shop', ...argv], { from: 'user' });
  return { args: command.args, flags: command.opts(), defaults: {} };
};

describe('--blue-green on deploy and rollback', () => {
  it('is off by default, and takes --wait-drain and --max-drain', () => {
    expect(parseDeploy(deployLine()).blueGreen).toBeUndefined();
    expect(parseDeploy(deployLine('--blue-green')).blueGreen).toEqual({
      waitDrain: false,
      maxDrainMs: undefined,
    });
    expect(
      parseRollback(rollbackLine('--blue-green', '--wait-drain', '--max-drain', '10m')).blueGreen,
    ).toEqual({
      waitDrain: true,
      maxDrainMs: 600_000,
    });
  });

  it('refuses the options that tune it without it, and what a switch does not do', () => {
    expect(() => parseDeploy(deployLine('--wait-drain'))).toThrowError(
      '--wait-drain works with --blue-green only.',
    );
    expect(() => parseDeploy(deployLine('--blue-green', '--max-drain', '5m'))).toThrowError(
      '--max-drain works with --wait-drain only.',
    );
    expect(() => parseDeploy(deployLine('--blue-green', '--wait-drain', '--max-drain', 'soon'))).toThrowError(
      /--max-drain/,
    );
    expect(() => parseRollback(rollbackLine('--blue-green', '--stop'))).toThrowError(
      '--stop does not work with --blue-green',
    );
    expect(() =>
      parseRollback(rollbackLine('--blue-green', '--probe', '/health', '--expect', 'ok')),
    ).toThrowError('--expect does not work with --blue-green');
  });
});
