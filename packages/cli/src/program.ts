import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import type { CommandModule } from './command-line.js';
import { addGlobalOptions } from './global-options.js';
import { adoptLegacyWaitTimeout } from './legacy-options.js';
import { collectPaths } from './option-values.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * A command's action. The runner (and with it the core library) and the command's module are
 * imported only when a command runs, so `--help` and `--version` start fast. commander calls an
 * action with the positional arguments, then the options, then the command.
 */
function lazy<O, I>(load: () => Promise<CommandModule<O, I>>, signal: AbortSignal) {
  return async (...args: unknown[]) => {
    const [{ runCommand }, module] = await Promise.all([import('./run-command.js'), load()]);
    await runCommand(args.at(-1) as Command, args.slice(0, -2), signal, module);
  };
}

/** The options of a probe (and with `smoke`, of a smoke test): deploy has both, the others a probe. */
function addProbeOptions(command: Command, { smoke }: { smoke: boolean }): Command {
  const what = smoke ? 'probe or smoke test' : 'probe';
  command.option(
    '--probe <path>',
    smoke
      ? 'after live, request PATH (e.g. /health) under the app; undo the version unless it answers healthy (repeatable)'
      : 'afterwards, request PATH (e.g. /health) under the app and fail unless the live version answers healthy (repeatable)',
    collectPaths,
  );
  if (smoke) {
    command.option(
      '--smoke <path>',
      'before traffic, try the WAR under a temporary path and request PATH there; deploy only if healthy (repeatable)',
      collectPaths,
    );
  }
  return command
    .option('--expect <text>', `the ${what}'s body must contain TEXT`)
    .option('--expect-status <range>', `statuses that count as healthy for the ${what} (default 200-299)`)
    .option('--probe-timeout <duration>', `how long the ${what} waits for the app to come up (default 60s)`);
}

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** The whole `tomcat-pd` command line. */
export function buildProgram(signal: AbortSignal): Command {
  const program = new Command('tomcat-pd')
    .description('Zero-downtime parallel deployment for Apache Tomcat, through its Manager text API.')
    .version(version, '-V, --version')
    // Options are read where they stand, so that `deploy --version 004` is deploy's own option;
    // the global ones are added to every command as well, so they work after its name too.
    .enablePositionalOptions()
    // Parse errors throw (commands created below inherit this): cli.ts maps them to exit code 2.
    .exitOverride()
    .showHelpAfterError("Usage: tomcat-pd [options] [command]\n(run 'tomcat-pd --help' for more)")
    .addHelpText(
      'after',
      '\nThe password comes from $TOMCAT_PD_PASSWORD, --password-stdin, or the config target\n' +
        '(passwordEnv / passwordFile); there is no password flag. Exit codes: 0 ok, 1 failed,\n' +
        '2 bad usage or input, 3 refused by a safety rule, 4 cannot connect or authenticate.\n' +
        examples(
          'TOMCAT_PD_PASSWORD=... tomcat-pd --url http://tomcat:8080/manager --user deployer status',
          'tomcat-pd deploy target/shop.war --path /shop',
        ),
    );

  program
    .command('deploy')
    .description('upload a WAR as a new version; it goes live for new visitors, old sessions stay')
    .argument('<war>', 'the WAR file')
    .option('--path <path>', 'context path, e.g. /shop or / (default: the config default)')
    .option('--version <version>', 'version to deploy (default: the next counter, e.g. 004)')
    .option('--semver <version>', 'a semantic version (1.4.0), encoded so that it sorts right')
    .option('--width <n>', 'digits of a new counter (default 3)')
    .option(
      '--build-id <id>',
      'append the build (a commit hash, a CI build number) to the next counter: 004-3f9c2ab ' +
        '(default: $TOMCAT_PD_BUILD_ID, unless --version or --semver is given)',
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
      'a progressive rollout in config order, e.g. 1,25%,100%: each step deploys, probes and analyses its targets before the next',
    )
    .option(
      '--analyze <duration>',
      "once live, watch the new version's error rate on Tomcat's status page for DURATION and undo it " +
        'when it is too high (Tomcat 9.0.83+, 10.1.16+, 11)',
    )
    .option(
      '--max-error-rate <percent>',
      'the highest error rate the analysis accepts, e.g. 5 or 5% (default 5)',
    )
    .option('--min-requests <n>', 'requests the new version must serve for a verdict (default 20)')
    .option('--interval <duration>', 'between two readings of the status page (default 10s, at least 5s)')
    .addOption(
      new Option(
        '--on-inconclusive <action>',
        'too few requests by the end: keep the release, or roll it back',
      )
        .choices(['keep', 'rollback'])
        .default(undefined, 'keep'),
    )
    .addHelpText(
      'after',
      examples(
        'tomcat-pd deploy target/shop.war --path /shop',
        'tomcat-pd deploy app.war --path / --version 2026.11.25-1',
        'tomcat-pd deploy target/shop.war --path /shop --build-id "$(git rev-parse --short HEAD)"',
        'tomcat-pd deploy target/shop.war --path /shop --smoke /health --probe /health --expect ok',
        'tomcat-pd deploy target/shop.war --path /shop --probe /health --analyze 5m --max-error-rate 2',
        'tomcat-pd deploy target/shop.war --path /shop --steps 1,25%,100% --probe /health --analyze 2m',
      ),
    )
    .action(lazy(() => import('./commands/deploy.js'), signal));

  program
    .command('check')
    .description('the parallel-deployment checklist of a WAR: can two versions of it run side by side?')
    .argument('<war>', 'the WAR file (read in place, not unpacked)')
    .option('--path <path>', 'the context path it will have (default: from the file name, as Tomcat does)')
    .addHelpText(
      'after',
      '\nEach finding is an error (a second version cannot work: exit 3, and deploy refuses the WAR),\n' +
        'a warning (exit 0; deploy prints it and goes on) or advice. No Tomcat is needed.\n' +
        examples('tomcat-pd check target/shop.war', 'tomcat-pd check target/shop.war --path /shop --json'),
    )
    .action(lazy(() => import('./commands/check.js'), signal));

  program
    .command('status')
    .description('every app and version: state, sessions, live / draining / drained')
    .option('--path <path>', 'only this app')
    .option(
      '--metrics',
      "add what Tomcat's status page knows of each version: deployed at, sessions served, requests, " +
        "errors, and when a draining version is empty; and the JVM's Metaspace (Tomcat 9.0.83+, 10.1.16+, 11; slower)",
    )
    .option(
      '--max-resident <n>',
      'warn when more versions than this of one app are resident on a target (default 5)',
    )
    .option(
      '--watch',
      'read again every interval until Ctrl-C: on a terminal the table is redrawn with what changed highlighted; ' +
        'otherwise it is printed again only when it changed (--json: one line per change)',
    )
    .option('--interval <duration>', 'between two reads of --watch (default 5s; at least 5s with --metrics)')
    .addHelpText(
      'after',
      examples(
        'tomcat-pd status',
        'tomcat-pd status --max-resident 3',
        'tomcat-pd status --watch --path /shop',
        'tomcat-pd status --path /shop --json',
        'tomcat-pd status --path /shop --metrics',
      ),
    )
    .action(lazy(() => import('./commands/status.js'), signal));

  program
    .command('serve')
    .description(
      'a read-only web page of every target: versions and roles, sessions, metrics; live, with /metrics for Prometheus',
    )
    .option(
      '--listen <host:port>',
      'where to listen (default 127.0.0.1:9440; 0.0.0.0:9440 for every interface)',
    )
    .option(
      '--interval <duration>',
      "how often each target is read (default 10s, at least 1s; Tomcat's status page at most every 5s)",
    )
    .addHelpText(
      'after',
      '\nServes / (the page), /events (its live updates), /api/status (JSON, as status --metrics --json),\n' +
        '/metrics (Prometheus) and /healthz. Only GET and HEAD: nothing on it changes Tomcat, and no\n' +
        'password is shown. Runs until SIGINT or SIGTERM (exit 0).\n' +
        examples(
          'tomcat-pd serve',
          'tomcat-pd serve --listen 0.0.0.0:9440 --interval 30s',
          'tomcat-pd --config /etc/tomcat-pd/tomcat-pd.json serve --parallel 8',
        ),
    )
    .action(lazy(() => import('./commands/serve.js'), signal));

  program
    .command('history')
    .description('every resident version of an app, newest first: build id, deployed at, what it served')
    .option('--path <path>', 'the app (default: the config default)')
    .addHelpText('after', examples('tomcat-pd history --path /shop', 'tomcat-pd history --path /shop --json'))
    .action(lazy(() => import('./commands/history.js'), signal));

  program
    .command('sessions')
    .description('the idle-time histogram of the sessions of each version (a read: expires nothing)')
    .option('--path <path>', 'the app')
    .option('--version <version>', 'only this version')
    .addHelpText('after', examples('tomcat-pd sessions --path /shop'))
    .action(lazy(() => import('./commands/sessions.js'), signal));

  program
    .command('rollback')
    .description('remove the newest version(s) so that an older running one takes the traffic')
    .option('--path <path>', 'the app')
    .option('--to <version>', 'the version to fall back to (default: the previous running one)')
    .option('--stop', 'stop instead of undeploying: quick roll-forward, but a restart starts it again')
    .addHelpText(
      'after',
      examples('tomcat-pd rollback --path /shop', 'tomcat-pd rollback --path /shop --to 007 --stop'),
    )
    .action(lazy(() => import('./commands/rollback.js'), signal));

  program
    .command('drain')
    .description('undeploy old versions once their last session is gone')
    .option('--path <path>', 'only this app (default: every app)')
    .option('--keep <n>', 'spare the N newest older running versions, for rollback (default 0)')
    .option('--expire-idle <minutes>', 'first expire sessions idle for at least this many minutes')
    .option('--grace <duration>', 'how long a version must stay drained before it goes (default 10s)')
    // One mode at a time: a plan, one drain (the default), a drain until done, or a loop.
    .addOption(
      new Option('--dry-run', 'show the plan and the reason for each version; change nothing').conflicts([
        'wait',
        'every',
      ]),
    )
    .addOption(new Option('--wait', 'keep draining until no old version is left').conflicts('every'))
    .option('--wait-timeout <duration>', 'with --wait: give up after this long (default 30m)')
    .option('--every <duration>', 'keep running, draining on this interval, until SIGINT/SIGTERM')
    .hook('preAction', adoptLegacyWaitTimeout)
    .addHelpText(
      'after',
      examples(
        'tomcat-pd drain --dry-run',
        'tomcat-pd drain --path /shop --keep 1',
        'tomcat-pd drain --wait --wait-timeout 1h',
        'tomcat-pd drain --every 5m --json',
        'tomcat-pd drain --path /shop --check-leaks',
      ),
    )
    .action(lazy(() => import('./commands/drain.js'), signal));

  program
    .command('undeploy')
    .description('undeploy one version (the live one only with --force)')
    .option('--path <path>', 'the app')
    .requiredOption('--version <version>', 'the version to undeploy')
    .option('--force', 'also undeploy the live version')
    .addHelpText('after', examples('tomcat-pd undeploy --path /shop --version 003'))
    .action(lazy(() => import('./commands/undeploy.js'), signal));

  for (const command of program.commands) {
    const name = command.name();
    if (name === 'deploy') addProbeOptions(command, { smoke: true });
    if (name === 'rollback' || name === 'undeploy' || name === 'drain') {
      addProbeOptions(command, { smoke: false });
      command.option(
        '--check-leaks',
        "afterwards, ask Tomcat's findleaks which class loaders stayed behind (only a restart frees them); " +
          `it forces a full GC on the server${name === 'drain' ? ', so --every runs it at most once an hour' : ''}`,
      );
    }
  }
  addGlobalOptions(program, { withEnv: true });
  for (const command of program.commands) {
    addGlobalOptions(command, { withEnv: false }).showHelpAfterError(
      `Usage: tomcat-pd ${command.name()} ${command.usage()}\n(run 'tomcat-pd ${command.name()} --help' for more)`,
    );
  }
  return program;
}
