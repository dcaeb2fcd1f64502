import type { CheckWarOptions, WarCheckReport } from '../common/check-report.js';

/**
 * The parallel-deployment checklist of a WAR (see `checkWarNow` in check-war.ts for what it
 * reads and throws). The check and its parsers (fast-xml-parser, yaml, zlib) are loaded on the
 * first call: every other command starts without them (bench/RESULTS.md: start-up).
 *
 * @example
 * const report = await checkWar({ warFile: 'target/shop.war', contextPath: '/shop' });
 * for (const finding of report.findings) console.log(finding.severity, finding.message);
 */
export async function checkWar(options: CheckWarOptions): Promise<WarCheckReport> {
  const { checkWarNow } = await import('./check-war.js');
  return checkWarNow(options);
}
