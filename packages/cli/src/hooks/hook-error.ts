import { ErrorCode, TomcatPdError } from '@tomcat-pd/core/errors';
import type { HookName } from './hook-config.js';

/** How a hook's run went wrong: a non-zero exit status, a signal, or its timeout. */
export type HookFailure =
  | { readonly kind: 'exit'; readonly exitCode: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'timeout'; readonly timeoutMs: number };

/**
 * A hook failed (`E_HOOK`, exit 1). Thrown for `before-deploy` only, which stops the release;
 * an `after-*` or `on-failure` hook's failure is a warning (README: Hooks). `output` is the end
 * of what it wrote, for `--json` readers who did not see it on stderr.
 */
export class HookError extends TomcatPdError {
  constructor(
    readonly hook: HookName,
    readonly failure: HookFailure,
    readonly output: readonly string[],
    message: string,
  ) {
    super(ErrorCode.hook, message, {
      hint:
        output.length === 0
          ? 'It wrote nothing.'
          : `The end of its output:\n${output.map((line) => `  [${hook}] ${line}`).join('\n')}`,
    });
    this.name = 'HookError';
  }

  protected override details(): Record<string, unknown> {
    return { hook: this.hook, failure: this.failure, output: this.output };
  }
}
