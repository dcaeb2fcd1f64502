/**
 * The WAR checklist of parallel deployment (docs/war-check.md): reads a WAR, without unpacking
 * it, for what goes wrong when two versions of one app run side by side in one Tomcat.
 */
import { AbortedError } from '../errors/error-classes.js';
import { checkWarFile, damagedWarError } from '../war/war-file.js';
import type { CheckFinding, WarCheckReport } from '../common/check-report.js';
import type { WarCheckSpec } from './check-options.js';
import { ADVICE } from './rules/advice.js';
import { contextXmlFindings } from './rules/context-xml.js';
import { jdbcDriverFindings, leakProneFindings } from './rules/leak-prone.js';
import { serverSocketFindings } from './rules/listeners.js';
import { sessionFindings } from './rules/sessions.js';
import { WarFacts } from './war-facts.js';
import { walkWar, type ZipItem } from './zip-entries.js';

const SEVERITY_ORDER = { error: 0, warning: 1, advice: 2 } as const;

/**
 * Checks a WAR against the checklist and reports what it found: errors first, then warnings,
 * each finding once per file or jar; and the advice that applies to every app.
 *
 * Memory stays bounded whatever the WAR's size: entries are streamed, only descriptors,
 * classes and configurations of at most 8 MB are read, and one nested jar at a time is held
 * (in memory up to 16 MB, else in a temp file that is deleted afterwards). An entry that cannot
 * be read is skipped and listed in `unreadable`.
 *
 * @throws TomcatPdError `E_USAGE` when the file is missing, empty, not a zip, damaged or no web
 *   application (no WEB-INF/), as for a deploy; or when `contextPath` is invalid.
 * @throws TomcatPdError `E_ABORTED` when `signal` fires.
 */
export async function runWarCheck(
  { warFile, contextPath }: WarCheckSpec,
  signal: AbortSignal | undefined,
): Promise<WarCheckReport> {
  throwIfAborted(signal, warFile);
  const { size } = await checkWarFile(warFile);
  const facts = new WarFacts();
  const items = walkWar(warFile, { signal });
  try {
    for (;;) {
      let next: IteratorResult<ZipItem>;
      try {
        next = await items.next();
      } catch (error) {
        throwIfAborted(signal, warFile);
        throw damagedWarError(warFile, error);
      }
      if (next.done === true) break;
      const item = next.value;
      if (item.type === 'unreadable') {
        facts.addUnreadable({
          file: item.file,
          ...(item.jar === undefined ? {} : { jar: item.jar }),
          kind: item.kind,
          reason: item.reason,
        });
      } else {
        await facts.inspect(item);
      }
    }
  } finally {
    await items.return(undefined);
  }
  throwIfAborted(signal, warFile);
  return { ...report(warFile, contextPath, facts), bytes: size };
}

function report(warFile: string, contextPath: string, facts: WarFacts): Omit<WarCheckReport, 'bytes'> {
  const found: CheckFinding[] = [
    ...sessionFindings({
      contextPath,
      webXml: facts.webXml,
      contextXml: facts.contextXml,
      urlRewriting: facts.urlRewriting,
    }),
    ...(facts.contextXml === undefined ? [] : contextXmlFindings(facts.contextXml)),
    ...serverSocketFindings(facts.serverSockets),
    ...facts.logFindings,
    ...jdbcDriverFindings(facts.jdbcDrivers),
    ...leakProneFindings(facts.leakProne),
  ];
  // Array.prototype.sort is stable: within a severity, the rules keep the order above.
  const findings = found.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    warFile,
    contextPath,
    findings,
    advice: ADVICE.map((item) => structuredClone(item)),
    counts: {
      error: findings.filter((finding) => finding.severity === 'error').length,
      warning: findings.filter((finding) => finding.severity === 'warning').length,
    },
    entries: facts.entries,
    unreadable: facts.unreadable,
  };
}

function throwIfAborted(signal: AbortSignal | undefined, warFile: string): void {
  if (signal?.aborted) throw new AbortedError(`The check of ${warFile} was aborted.`);
}
