import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';

const PATH_OPTION = new Option('--path <path>', "the app's lock").default(undefined, 'the config default');
const TARGET_OPTION = ['--whole-target', 'the target lock (restart, lb) instead of an app lock'] as const;

/** `tomcat-pd lock`: the release lock kept on the targets (README: Lock). */
export function defineLock() {
  return new Command('lock')
    .description('the release lock every changing command holds on its targets: status, release')
    .addHelpText(
      'after',
      '\nA command that changes Tomcat holds the lock of its app (or of the whole target for restart\n' +
        'and lb) on every target it changes; another controller then exits 5, or waits with --lock-wait.\n' +
        examples('tomcat-pd lock status', 'tomcat-pd lock release --path /shop --force'),
    );
}

/** `tomcat-pd lock status`: what it does is in actions/lock-status.ts. */
export function defineLockStatus() {
  return new Command('status')
    .description('who holds which lock on each target, since when, until when')
    .addOption(new Option('--path <path>', 'only what stands in the way of this app'))
    .addHelpText('after', examples('tomcat-pd lock status', 'tomcat-pd lock status --path /shop --json'));
}

/** `tomcat-pd lock release`: what it does is in actions/lock-release.ts. */
export function defineLockRelease() {
  return new Command('release')
    .description("remove a lock's expired records on every target; with --force, its live ones too")
    .addOption(PATH_OPTION)
    .option(...TARGET_OPTION)
    .option('--force', 'remove it even though it has not expired (its holder is known to be gone)')
    .addHelpText(
      'after',
      examples(
        'tomcat-pd lock release --path /shop',
        'tomcat-pd lock release --path /shop --force',
        'tomcat-pd lock release --whole-target --target web1 --force',
      ),
    );
}

export type LockStatusFlags = ReturnType<ReturnType<typeof defineLockStatus>['opts']>;
export type LockReleaseFlags = ReturnType<ReturnType<typeof defineLockRelease>['opts']>;
