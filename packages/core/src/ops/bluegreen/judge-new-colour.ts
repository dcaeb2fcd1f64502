import type { AnalysisReport } from '../../common/analysis-report.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { AnalysisSpec } from '../analyze/analysis-options.js';
import { analyzeVersion } from '../analyze/analyze-version.js';
import type { RunContext } from '../run-context.js';

/** The new colour's analyses, and the first whose verdict sends the visitors back. */
export interface ColourVerdict {
  readonly reports: readonly AnalysisReport[];
  readonly bad: AnalysisReport | undefined;
}

/**
 * Watches the new version on each target of the new colour at once, as `deploy --analyze` does
 * (`analyzeVersion`), now that the colour takes the visitors. Its verdict is bad when the error
 * rate was too high, or too few requests came and `onInconclusive` says `rollback`. No
 * baseline: the previous version ran on the other colour.
 */
export async function judgeNewColour(
  clients: readonly ManagerClient[],
  subject: { path: string; version: string },
  analysis: AnalysisSpec,
  context: RunContext,
): Promise<ColourVerdict> {
  const reports = await Promise.all(
    clients.map((client) => analyzeVersion(client, { ...subject, baseline: undefined }, analysis, context)),
  );
  const bad = reports.find(
    (report) =>
      report.verdict === 'fail' ||
      (report.verdict === 'inconclusive' && analysis.onInconclusive === 'rollback'),
  );
  return { reports, bad };
}
