import { getSessions, onEachTarget, validateContextPath, validateVersion } from '@tomcat-pd/core';
import { requirePath, type CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { renderSessions, sessionsDocument } from '../render/sessions.js';
import { reportOutcomes } from '../target-outcomes.js';

interface SessionsCliOptions {
  path?: string;
  version?: string;
}

interface SessionsInput {
  path: string;
  version: string | undefined;
}

/** Bad input is refused before connecting, not reported once per target. */
export function parse({ options, defaults }: CommandLine<SessionsCliOptions>): SessionsInput {
  const path = validateContextPath(requirePath(options.path, defaults));
  if (options.version !== undefined && options.version !== '') validateVersion(options.version);
  return { path, version: options.version };
}

/** `tomcat-pd sessions --path P [--version V]`: a read on every selected target; it never expires a session. */
export async function run(context: CliContext, { path, version }: SessionsInput): Promise<void> {
  const clients = await context.clients();
  const outcomes = await onEachTarget(
    clients,
    (client, signal) => getSessions(client, { path, version, signal }),
    { parallel: context.parallel, signal: context.signal },
  );
  reportOutcomes(context, outcomes, {
    document: sessionsDocument,
    render: (reports, several) =>
      renderSessions(reports, several, { colors: context.output.colors, barWidth: context.output.barWidth }),
  });
}
