import type { AppStatus } from '../app-status.js';
import { displayName } from '../../versions/context-name.js';
import { UnsafeOperationError, usageError } from '../../errors/errors.js';
import { encodeSemver } from '../../versions/semver-version.js';
import { withBuildId } from '../../versions/build-id.js';
import { checkOrdering, nextCounterVersion, validateVersion } from '../../versions/version-rules.js';

export interface DeployPlanOptions {
  /** An explicit version; otherwise the next counter is used. */
  version?: string | undefined;
  /** A semantic version (`1.4.0`, from a pom or package.json), encoded to sort correctly. */
  semver?: string | undefined;
  /** Width of a new counter when the app has no numeric version yet. @defaultValue 3 */
  width?: number | undefined;
  /** Replace an existing version in place (its sessions are lost). @defaultValue false */
  update?: boolean | undefined;
  /**
   * The build being deployed (a commit hash, a CI build number): appended to the next counter,
   * `004-3f9c2ab`, so that each version says which build it is. Not with `version` or `semver`.
   */
  buildId?: string | undefined;
}

export interface DeployPlan {
  path: string;
  version: string;
  /** Tomcat's name for it: `/shop##004`. */
  displayName: string;
  /** The version that is live now and will stop getting new visitors. */
  previousLive: string | undefined;
  /** True when `update` replaces an existing version. */
  replacesExisting: boolean;
}

/**
 * Decides the version of a deploy and checks the rules that must hold before any upload:
 * a valid version, no silent overwrite (safety rule 3), and the ordering invariant (the new
 * version must be the one Tomcat gives new visitors). Pure: throws instead of uploading.
 */
export function planDeploy(app: AppStatus, options: DeployPlanOptions = {}): DeployPlan {
  const version = chooseVersion(
    app.versions.map((entry) => entry.version),
    options,
  );
  const existing = app.versions.find((entry) => entry.version === version);
  if (existing && !options.update) {
    throw new UnsafeOperationError(
      'no-overwrite',
      `Version ${version} of ${app.path} already exists (${existing.state}, ${existing.sessions} sessions); ` +
        'refusing to overwrite it.',
      {
        hint: [
          'Leave out the version to deploy the next one, or replace it with update (',
          { option: 'update', value: true },
          '; its sessions are lost).',
        ],
      },
    );
  }
  const verdict = checkOrdering(version, app.versions, { update: options.update ?? false, path: app.path });
  if (!verdict.ok) {
    throw new UnsafeOperationError(
      'ordering-invariant',
      `Deploy of ${app.path} version ${version} refused: ${verdict.reason}`,
      { hint: verdict.hint },
    );
  }
  return {
    path: app.path,
    version,
    displayName: displayName(app.path, version),
    previousLive: app.live,
    replacesExisting: existing !== undefined,
  };
}

/**
 * Checks the version options on their own (valid version or semver, not both, a valid width),
 * so that bad input is refused before any request: the same rules as {@link planDeploy}.
 */
export function validateDeployOptions(options: DeployPlanOptions): void {
  chooseVersion([], options);
}

/**
 * The version a deploy gets: the one given, the encoded semver, or the next counter above the
 * `existing` versions (with the build id appended, where one is given).
 */
export function chooseVersion(existing: readonly string[], options: DeployPlanOptions): string {
  const given = [
    options.version === undefined ? [] : ['a version'],
    options.semver === undefined ? [] : ['a semantic version'],
    options.buildId === undefined ? [] : ['a build id'],
  ].flat();
  if (given.length > 1) {
    throw usageError(
      `Give one of a version, a semantic version or a build id, not ${given.join(' and ')}.`,
      'A build id is appended to the next counter (004-3f9c2ab); an explicit version is taken as it is.',
    );
  }
  if (options.version !== undefined) return validateVersion(options.version);
  if (options.semver !== undefined) return encodeSemver(options.semver);
  const counter = nextCounterVersion(existing, { width: options.width });
  return options.buildId === undefined ? counter : withBuildId(counter, options.buildId);
}
