import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from '../../src/actions/deploy.js';
import { defineDeploy } from '../../src/commands/deploy.js';

/** deploy's command line as commander parses it from the definition. */
const line = (...argv: string[]) => {
  const command = defineDeploy().exitOverride();
  command.parse(['shop.war', '--path', '/shop', ...argv], { from: 'user' });
  return { args: command.args, flags: command.opts(), defaults: {} };
};
const versionOf = (input: ReturnType<typeof parse>) => input.spec.plan.version;

describe('deploy --build-id', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('takes the flag, else $TOMCAT_PD_BUILD_ID', () => {
    expect(versionOf(parse(line('--build-id', '3f9c2ab')))).toEqual({
      kind: 'counter',
      width: 3,
      buildId: '3f9c2ab',
    });
    vi.stubEnv('TOMCAT_PD_BUILD_ID', 'ci-417');
    expect(versionOf(parse(line()))).toEqual({ kind: 'counter', width: 3, buildId: 'ci-417' });
    expect(versionOf(parse(line('--build-id', '3f9c2ab')))).toEqual({
      kind: 'counter',
      width: 3,
      buildId: '3f9c2ab',
    });
  });

  it('the variable gives way to --version and --semver; the flag with them is a mistake', () => {
    vi.stubEnv('TOMCAT_PD_BUILD_ID', 'ci-417');
    expect(versionOf(parse(line('--version', '007')))).toEqual({ kind: 'given', version: '007' });
    expect(versionOf(parse(line('--semver', '1.2.3')))).toMatchObject({ kind: 'given' });
    expect(() => parse(line('--version', '007', '--build-id', 'x'))).toThrowError(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringContaining('not a version and a build id'),
      }),
    );
  });

  it('an empty variable is no build id; a forbidden character is refused before any request', () => {
    vi.stubEnv('TOMCAT_PD_BUILD_ID', '');
    expect(versionOf(parse(line()))).toEqual({ kind: 'counter', width: 3, buildId: undefined });
    expect(() => parse(line('--build-id', 'feature/login'))).toThrowError(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('"/"') }),
    );
  });
});

describe('deploy --steps with pauses', () => {
  it('takes them into the rollout, and refuses a pause for promote with --blue-green', () => {
    expect(parse(line('--steps', '1,pause:5m,100%')).spec.rollout).toEqual([
      { count: 1 },
      { pause: 'timed', ms: 300_000 },
      { percent: 100 },
    ]);
    expect(() => parse(line('--steps', '1,pause,100%', '--blue-green'))).toThrowError(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('--blue-green') }),
    );
    expect(() => parse(line('--steps', 'pause,100%'))).toThrowError(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringContaining('may not start with a pause'),
      }),
    );
  });
});
