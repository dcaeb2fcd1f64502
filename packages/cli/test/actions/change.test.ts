import type { Command, OptionValues } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import type { CommandModule } from '../../src/command-line.js';
import * as deploy from '../../src/actions/deploy.js';
import * as drain from '../../src/actions/drain.js';
import * as lbDrain from '../../src/actions/lb-drain.js';
import * as lbMaint from '../../src/actions/lb-maint.js';
import * as lbReady from '../../src/actions/lb-ready.js';
import * as restart from '../../src/actions/restart.js';
import * as rollback from '../../src/actions/rollback.js';
import * as undeploy from '../../src/actions/undeploy.js';
import * as check from '../../src/actions/check.js';
import * as history from '../../src/actions/history.js';
import * as lbConfig from '../../src/actions/lb-config.js';
import * as lbStatus from '../../src/actions/lb-status.js';
import * as serve from '../../src/actions/serve.js';
import * as sessions from '../../src/actions/sessions.js';
import * as status from '../../src/actions/status.js';
import { defineDeploy } from '../../src/commands/deploy.js';
import { defineDrain } from '../../src/commands/drain.js';
import { defineLbDrain, defineLbMaint, defineLbReady } from '../../src/commands/lb.js';
import { defineRestart } from '../../src/commands/restart.js';
import { defineRollback } from '../../src/commands/rollback.js';
import { defineUndeploy } from '../../src/commands/undeploy.js';

/** What a module's `change` declares for a command line, as commander parses it from the definition. */
function changeOf<Flags, Input>(
  module: CommandModule<Flags, Input>,
  define: () => Command<unknown[], OptionValues>,
  ...argv: string[]
) {
  const command = define().exitOverride();
  command.parse(argv, { from: 'user' });
  const input = module.parse({ args: command.args, flags: command.opts() as Flags, defaults: {} });
  return module.change?.(input);
}

describe('what each command declares it changes (its event)', () => {
  it('deploy: the app, and the version when given, else the build id', () => {
    expect(changeOf(deploy, defineDeploy, 'shop.war', '--path', '/shop', '--build-id', '3f9c2ab')).toEqual({
      event: 'deploy',
      app: '/shop',
      version: undefined,
      buildId: '3f9c2ab',
    });
    expect(changeOf(deploy, defineDeploy, 'shop.war', '--path', '/shop', '--version', '007')).toMatchObject({
      version: '007',
      buildId: undefined,
    });
  });

  it('rollback and undeploy: the app and the version named', () => {
    expect(changeOf(rollback, defineRollback, '--path', '/shop', '--to', '002')).toEqual({
      event: 'rollback',
      app: '/shop',
      version: '002',
    });
    expect(changeOf(undeploy, defineUndeploy, '--path', '/shop', '--version', '001')).toEqual({
      event: 'undeploy',
      app: '/shop',
      version: '001',
    });
  });

  it('drain: every run but --dry-run, with or without a path', () => {
    expect(changeOf(drain, defineDrain, '--path', '/shop')).toEqual({ event: 'drain', app: '/shop' });
    expect(changeOf(drain, defineDrain, '--wait')).toEqual({ event: 'drain', app: undefined });
    expect(changeOf(drain, defineDrain, '--every', '5m')).toEqual({ event: 'drain', app: undefined });
    expect(changeOf(drain, defineDrain, '--dry-run')).toBeUndefined();
  });

  it('restart: every run but --dry-run', () => {
    expect(changeOf(restart, defineRestart, '--exec', 'true')).toEqual({ event: 'restart' });
    expect(changeOf(restart, defineRestart, '--exec', 'true', '--dry-run')).toBeUndefined();
  });

  it('lb drain, maint, ready: the one target they name', () => {
    expect(changeOf(lbDrain, defineLbDrain, 'web2')).toEqual({ event: 'lb-drain', targets: ['web2'] });
    expect(changeOf(lbMaint, defineLbMaint, 'web2')).toEqual({ event: 'lb-maint', targets: ['web2'] });
    expect(changeOf(lbReady, defineLbReady, 'web2')).toEqual({ event: 'lb-ready', targets: ['web2'] });
  });

  it.each(Object.entries({ check, status, history, sessions, serve, lbStatus, lbConfig }))(
    'reading commands declare nothing: %s',
    (_name, module: Record<string, unknown>) => {
      expect(module.run).toBeTypeOf('function');
      expect(module.change).toBeUndefined();
    },
  );
});
