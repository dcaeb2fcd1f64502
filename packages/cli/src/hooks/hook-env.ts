import type { ChangeEvent } from '../events/change-event.js';
import type { HookName } from './hook-config.js';

/**
 * What a hook learns of its change: the facts of the change's own document (README:
 * Notifications), already free of secrets, and nothing else of ours; the process's environment
 * is passed on as it is. Every variable is set, empty when unknown (a counter deploy's version
 * before it chose one), so that none comes from the CI job's environment instead.
 */
export function hookEnvironment(hook: HookName, event: ChangeEvent): Record<string, string> {
  return {
    TOMCAT_PD_HOOK: hook,
    TOMCAT_PD_EVENT: event.event,
    TOMCAT_PD_APP: event.app ?? '',
    TOMCAT_PD_VERSION: event.version ?? '',
    TOMCAT_PD_BUILD_ID: event.buildId ?? '',
    TOMCAT_PD_TARGETS: event.targets.join(','),
    TOMCAT_PD_ACTOR: event.actor,
    TOMCAT_PD_OUTCOME: event.outcome ?? '',
    TOMCAT_PD_ERROR_CODE: event.code ?? '',
  };
}
