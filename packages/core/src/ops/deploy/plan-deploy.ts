import type { AppStatus } from '../app-status.js';
import { withDefaults } from '../../common/defaults.js';
import { displayName } from '../../versions/context-name.js';
import { UnsafeOperationError, usageError } from '../../errors/error-classes.js';
import { encodeSemver } from '../../versions/semver-version.js';
import { withBuildId } from '../../versions/build-id.js';
import {
  DEFAULT_WIDTH,
  checkOrdering,
  nextCounterVersion,
  validateVersion,
} from '../../versions/version-rules.js';

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

/**
 * The version a deploy asks for, checked: one given (an explicit version, or a semver already
 * encoded), or the next counter, with a build id appended where there is one.
 */
export type VersionRequest =
  | { readonly kind: 'given'; readonly version: string }
  | { readonly kind: 'counter'; readonly width: number; readonly buildId: string | undefined };

/** The plan's options, checked: what {@link planDeployWith} decides with. */
export interface DeployPlanSpec {
  readonly version: VersionRequest;
  readonly update: boolean;
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

const PLAN_DEFAULTS = { width: DEFAULT_WIDTH, update: false } satisfies DeployPlanOptions;

/**
 * Checks the version options on their own (valid version or semver, not more than one of a
 * version, a semver and a build id, a valid width and build id), so that bad input is refused
 * before any request. @throws UsageError naming what is wrong.
 */
export function parseDeployPlanOptions(options: DeployPlanOptions): DeployPlanSpec {
  const { version, semver, width, update, buildId } = withDefaults(options, PLAN_DEFAULTS);
  const given = [
    version === undefined ? [] : ['a version'],
    semver === undefined ? [] : ['a semantic version'],
    buildId === undefined ? [] : ['a build id'],
  ].flat();
  if (given.length > 1) {
    throw usageError(
      `Give one of a version, a semantic version or a build id, not ${given.join(' and ')}.`,
      'A build id is appended to the next counter (004-3f9c2ab); an explicit version is taken as it is.',
    );
  }
  if (version !== undefined) return { version: { kind: 'given', version: validateVersion(version) }, update };
  if (semver !== undefined) return { version: { kind: 'given', version: encodeSemver(semver) }, update };
  // The first counter of that width with the build id: refuses a bad width or id now.
  const first = nextCounterVersion([], { width });
  if (buildId !== undefined) withBuildId(first, buildId);
  return { version: { kind: 'counter', width, buildId }, update };
}

/**
 * Decides the version of a deploy and checks the rules that must hold before any upload:
 * a valid version, no silent overwrite (safety rule 3), and the ordering invariant (the new
 * version must be the one Tomcat gives new visitors). Pure: throws instead of uploading.
 */
export function planDeploy(app: AppStatus, options: DeployPlanOptions = {}): DeployPlan {
  return planDeployWith(app, parseDeployPlanOptions(options));
}

/** {@link planDeploy} with its options checked. */
export function planDeployWith(app: AppStatus, spec: DeployPlanSpec): DeployPlan {
  const version = chooseVersion(
    app.versions.map((entry) => entry.version),
    spec.version,
  );
  const existing = app.versions.find((entry) => entry.version === version);
  if (existing && !spec.update) {
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
  const verdict = checkOrdering(version, app.versions, { update: spec.update, path: app.path });
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
 * The version a deploy gets: the one given, or the next counter above the `existing` versions
 * (with the build id appended, where one is given).
 */
export function chooseVersion(existing: readonly string[], request: VersionRequest): string {
  if (request.kind === 'given') return request.version;
  const counter = nextCounterVersion(existing, { width: request.width });
  return request.buildId === undefined ? counter : withBuildId(counter, request.buildId);
}
