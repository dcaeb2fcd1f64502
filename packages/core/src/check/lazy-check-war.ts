import type { CheckWarOptions, WarCheckReport } from '../common/check-report.js';
import { parseCheckWarOptions, type WarCheckSpec } from './check-options.js';

/**
 * The parallel-deployment checklist of a WAR (see `runWarCheck` in check-war.ts for what it
 * reads and throws).
 *
 * @example
 * const report = await checkWar({ warFile: 'target/shop.war', contextPath: '/shop' });
 * for (const finding of report.findings) console.log(finding.severity, finding.message);
 */
export async function checkWar(options: CheckWarOptions): Promise<WarCheckReport> {
  return runLazyWarCheck(parseCheckWarOptions(options), options.signal);
}

/**
 * {@link checkWar} with its options checked. The check and its parsers (fast-xml-parser, yaml,
 * zlib) are loaded on the first call, not with the library: every command but `check` and
 * `deploy` starts without them (bench/RESULTS.md: start-up).
 */
export async function runLazyWarCheck(
  spec: WarCheckSpec,
  signal: AbortSignal | undefined,
): Promise<WarCheckReport> {
  const { runWarCheck } = await import('./check-war.js');
  return runWarCheck(spec, signal);
}
