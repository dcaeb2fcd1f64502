import { onEachTarget } from '@tomcat-pd/core';
import { parseSessionsOptions, readSessions, type SessionsSpec } from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { SessionsFlags } from '../commands/sessions.js';
import type { CliContext } from '../context.js';
import { renderSessions, sessionsDocument } from '../render/sessions.js';
import { reportOutcomes } from '../target-outcomes.js';

/** Bad input is refused before connecting, not reported once per target. */
export function parse({ flags, defaults }: CommandLine<SessionsFlags>): SessionsSpec {
  return parseSessionsOptions({ path: requirePath(flags.path, defaults), version: flags.version });
}

/** `tomcat-pd sessions --path P [--version V]`: a read on every selected target; it never expires a session. */
export async function run(context: CliContext, spec: SessionsSpec): Promise<void> {
  const clients = await context.clients();
  const outcomes = await onEachTarget(clients, (client, signal) => readSessions(client, spec, signal), {
    parallel: context.parallel,
    signal: context.signal,
  });
  reportOutcomes(context, outcomes, {
    document: sessionsDocument,
    render: (reports, several) =>
      renderSessions(reports, several, { colors: context.output.colors, barWidth: context.output.barWidth }),
  });
}
