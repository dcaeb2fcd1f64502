import type { BlueGreenStep, BlueGreenStepRecord } from './blue-green-report.js';

/** The steps of one blue/green run as they go: each timed and told to `onStep` as it starts and ends. */
export class StepLog {
  readonly #steps: BlueGreenStepRecord[] = [];

  constructor(private readonly onStep: ((step: BlueGreenStepRecord) => void) | undefined) {}

  get steps(): readonly BlueGreenStepRecord[] {
    return [...this.#steps];
  }

  async run<T>(step: BlueGreenStep, targets: readonly string[], work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    this.onStep?.({ step, targets, startedAt, durationMs: undefined, outcome: undefined });
    const end = (outcome: 'done' | 'failed') => {
      const record = { step, targets, startedAt, durationMs: Date.now() - started, outcome };
      this.#steps.push(record);
      this.onStep?.(record);
    };
    try {
      const value = await work();
      end('done');
      return value;
    } catch (caught) {
      end('failed');
      throw caught;
    }
  }
}
