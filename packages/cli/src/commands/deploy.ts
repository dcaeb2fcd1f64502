import { Command, Option } from '@commander-js/extra-typings';
import { DEFAULT_WIDTH } from '@tomcat-pd/core/internal';
import { examples } from '../command-line.js';
import { withAnalysisOptions } from '../flags/analysis-flags.js';
import { withBlueGreenOptions } from '../flags/blue-green-flags.js';
import { collectPaths } from '../flags/flag-values.js';
import { withProbeOptions } from '../flags/probe-flags.js';

/** `tomcat-pd deploy <war>`: its options and help; what it does is in actions/deploy.ts. */
export function defineDeploy() {
  const command = new Command('deploy')
    .description('upload a WAR as a new version; it goes live for new visitors, old sessions stay')
    .argument('<war>', 'the WAR file')
    .addOption(
      new Option('--path <path>', 'context path, e.g. /shop or /').default(undefined, 'the config default'),
    )
    .addOption(
      new Option('--version <version>', 'version to deploy').default(undefined, 'the next counter, e.g. 004'),
    )
    .option('--semver <version>', 'a semantic version (1.4.0), encoded so that it sorts right')
    .addOption(new Option('--width <n>', 'digits of a new counter').default(undefined, String(DEFAULT_WIDTH)))
    .addOption(
      new Option(
        '--build-id <id>',
        'append the build (a commit hash, a CI build number) to the next counter: 004-3f9c2ab',
      ).default(undefined, '$TOMCAT_PD_BUILD_ID, unless --version or --semver is given'),
    )
    .option('--update', 'replace an existing version (its sessions are lost)')
    .option('--tag <tag>', "Tomcat's tag for the uploaded WAR")
    .option(
      '--no-check',
      'skip the parallel-deployment check of the WAR (tomcat-pd check), whose errors refuse the deploy',
    )
    .addOption(
      new Option(
        '--canary <n>',
        'deploy to the first N targets first, to the others once it started there',
      ).conflicts('steps'),
    )
    .option(
      '--steps <list>',
      'a progressive rollout in config order, e.g. 1,25%,100%: each step deploys, probes and analyses its targets before the next; ' +
        'pause:10m between two steps waits, pause stops until promote or abort',
    );
  return withBlueGreenOptions(
    withAnalysisOptions(
      withProbeOptions(command, {
        probe:
          'after live, request PATH (e.g. /health) under the app; undo the version unless it answers healthy (repeatable)',
        what: 'probe or smoke test',
      }).option(
        '--smoke <path>',
        'before traffic, try the WAR under a temporary path and request PATH there; deploy only if healthy (repeatable)',
        collectPaths,
      ),
    ),
    'deploy on the idle colour behind the balancers (in maint, or drained with no session), then switch: ready it, drain the live one',
  ).addHelpText(
    'after',
    examples(
      'tomcat-pd deploy target/shop.war --path /shop',
      'tomcat-pd deploy app.war --path / --version 2026.11.25-1',
      'tomcat-pd deploy target/shop.war --path /shop --build-id "$(git rev-parse --short HEAD)"',
      'tomcat-pd deploy target/shop.war --path /shop --smoke /health --probe /health --expect ok',
      'tomcat-pd deploy target/shop.war --path /shop --probe /health --analyze 5m --max-error-rate 2',
      'tomcat-pd deploy target/shop.war --path /shop --steps 1,25%,100% --probe /health --analyze 2m',
      'tomcat-pd deploy target/shop.war --path /shop --steps 1,pause:10m,25%,pause,100% --probe /health',
      'tomcat-pd deploy target/shop.war --path /shop --blue-green --probe /health',
      'tomcat-pd deploy target/shop.war --path /shop --blue-green --wait-drain --max-drain 20m',
    ),
  );
}

/** The values of deploy's options, as commander gives them. */
export type DeployFlags = ReturnType<ReturnType<typeof defineDeploy>['opts']>;
