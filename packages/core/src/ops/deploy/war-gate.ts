import { runLazyWarCheck } from '../../check/lazy-check-war.js';
import type { CheckFinding, FindingLocation, WarCheckReport } from '../../common/check-report.js';
import type { RunContext } from '../run-context.js';
import { WarCheckError } from '../../errors/error-classes.js';
import { checkWarFile } from '../../war/war-file.js';
import type { DeploySpec } from './deploy-options.js';

/** The WAR's size, and its check report unless the check was skipped. */
export interface AdmittedWar {
  size: number;
  check: WarCheckReport | undefined;
}

/**
 * What every deploy does before its first request: the WAR must be a readable web application
 * (a usage error otherwise), and must pass the parallel-deployment check (docs/war-check.md).
 * Errors refuse the deploy with a {@link WarCheckError}, nothing sent; each warning goes to the
 * logger once, whatever the number of targets, and the deploy goes on.
 */
export async function admitWar(
  spec: Pick<DeploySpec, 'warFile' | 'path' | 'skipCheck'>,
  context: RunContext,
): Promise<AdmittedWar> {
  const ahead = admittedAhead.get(admissionKey(spec));
  if (ahead !== undefined) {
    admittedAhead.delete(admissionKey(spec));
    return ahead;
  }
  return admit(spec, context);
}

/**
 * Admissions made before the release lock is taken (the CLI's deploy: a bad WAR is refused before
 * anything is sent, the lock's requests included, docs/lock.md); each is used by the next
 * {@link admitWar} of the same WAR and path, once, so that the WAR is read and its warnings told once.
 */
const admittedAhead = new Map<string, Promise<AdmittedWar>>();

/** {@link admitWar} now, kept for the deploy that follows. */
export function admitWarAhead(
  spec: Pick<DeploySpec, 'warFile' | 'path' | 'skipCheck'>,
  context: RunContext,
): Promise<AdmittedWar> {
  const admission = admit(spec, context);
  admittedAhead.set(admissionKey(spec), admission);
  return admission;
}

function admissionKey(spec: Pick<DeploySpec, 'warFile' | 'path' | 'skipCheck'>): string {
  return JSON.stringify([spec.warFile, spec.path, spec.skipCheck]);
}

async function admit(
  spec: Pick<DeploySpec, 'warFile' | 'path' | 'skipCheck'>,
  { signal, logger }: RunContext,
): Promise<AdmittedWar> {
  if (spec.skipCheck) return { size: (await checkWarFile(spec.warFile)).size, check: undefined };
  // checkWar checks the file first as checkWarFile does: the same usage errors, read once.
  const report = await runLazyWarCheck({ warFile: spec.warFile, contextPath: spec.path }, signal);
  const errors = report.findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    throw new WarCheckError(
      `The WAR ${spec.warFile} cannot run as a second version beside another: ` +
        `${errors.map(describeFinding).join('; ')}.`,
      errors,
      {
        hint: [
          `Fix ${errors.length === 1 ? 'it' : 'them'} (docs/war-check.md), or deploy with `,
          { option: 'skipCheck', value: true },
          ' if you know better.',
        ],
      },
    );
  }
  for (const warning of report.findings.filter((finding) => finding.severity === 'warning')) {
    logger.warn?.(`${describeFinding(warning)}. ${warning.fix}`);
  }
  return { size: report.bytes, check: report };
}

/** `<message> (WEB-INF/lib/acme.jar: com.acme.Listener)`: what was found, and where. */
export function describeFinding(finding: CheckFinding): string {
  const where = finding.locations.map(describeLocation);
  return where.length === 0 ? finding.message : `${finding.message} (${where.join(', ')})`;
}

function describeLocation(location: FindingLocation): string {
  const file =
    location.className ?? `${location.file}${location.line === undefined ? '' : `:${location.line}`}`;
  return location.jar === undefined ? file : `${location.jar}: ${file}`;
}
