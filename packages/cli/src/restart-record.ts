/**
 * The record of a restart in progress: a small JSON file beside the config file
 * (`.tomcat-pd/restart.json`) that `restart` writes at each step and removes when its roll ends,
 * and that `status`, `lb status` and `serve` read to say a restart runs, or stopped without
 * finishing (its process is gone and the file stayed: a kill -9, a crash, a power cut). Only a
 * process on the same machine can be checked: the record is seen where the restart runs (the
 * README says so).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { RestartStepRecord } from '@tomcat-pd/core/balancers';
import { DEFAULT_CONFIG_FILE } from './config-file.js';

/** What the file holds: who runs the roll, where it is, which targets are done. */
export interface RestartRecord {
  readonly pid: number;
  readonly host: string;
  /** When the roll started (ISO). */
  readonly started: string;
  /** Every target of the roll, in its order. */
  readonly targets: readonly string[];
  /** The target being restarted, and its step. */
  readonly target: string;
  readonly step: RestartStepRecord['step'];
  /** The targets restarted and ready again. */
  readonly done: readonly string[];
}

/** A record as read: its process still runs (or is on another host: not checkable), or it does not. */
export type RestartSeen =
  | { readonly state: 'running'; readonly record: RestartRecord }
  | { readonly state: 'stopped'; readonly record: RestartRecord };

/** The file of the record for the config file at `configFile` (the config as read: its `source`). */
export function restartRecordFile(configFile = DEFAULT_CONFIG_FILE): string {
  return join(dirname(resolve(configFile)), '.tomcat-pd', 'restart.json');
}

/** What the roll tells its record; `end` removes it, whatever ended the roll. */
export interface RestartRecorder {
  step(target: string, step: RestartStepRecord): void;
  end(): void;
}

export interface RestartRecordOptions {
  file: string;
  /** Every target of the roll, in its order. */
  targets: readonly string[];
  /**
   * Told once when the record cannot be written (a read-only folder): the roll goes on, as the
   * record only shows it; a restart should not fail for it.
   */
  warn: (text: string) => void;
  /** This process, this machine, now: given by tests. */
  pid?: number | undefined;
  host?: string | undefined;
  now?: Date | undefined;
}

/**
 * Writes the record of a roll that starts now (at the first target's first step), then again at
 * each step. Written whole to a temporary file and renamed, so that a reader never sees half of
 * it. Synchronous: `onStep` is, and the record is a few hundred bytes.
 */
export function startRestartRecord(options: RestartRecordOptions): RestartRecorder {
  const { file, targets, warn } = options;
  const pid = options.pid ?? process.pid;
  let record: RestartRecord = {
    pid,
    host: options.host ?? hostname(),
    started: (options.now ?? new Date()).toISOString(),
    targets,
    target: targets[0] ?? '',
    step: 'drain',
    done: [],
  };
  let warned = false;
  const write = () => {
    const temporary = `${file}.${pid}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
      renameSync(temporary, file);
    } catch (error) {
      if (!warned) warn(`Cannot write the restart's record ${file}: ${(error as Error).message}.`);
      warned = true;
    }
  };
  write();
  return {
    step(target, { step, outcome }) {
      const ready = step === 'ready' && outcome === 'done' && !record.done.includes(target);
      record = { ...record, target, step, done: ready ? [...record.done, target] : record.done };
      write();
    },
    // Called in a finally: it must not throw over the roll's own error.
    end() {
      try {
        rmSync(file, { force: true });
      } catch (error) {
        if (!warned) warn(`Cannot remove the restart's record ${file}: ${(error as Error).message}.`);
      }
    },
  };
}

/**
 * The record at `file`, if any, and whether its roll still runs: a record of this host whose
 * process is gone is `stopped`. A file that is not a record (hand-edited, truncated) is none.
 */
export function readRestartRecord(
  file: string,
  here: { host: string; alive: (pid: number) => boolean } = { host: hostname(), alive: isAlive },
): RestartSeen | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const record = parseRecord(text);
  if (record === undefined) return undefined;
  const stopped = record.host === here.host && !here.alive(record.pid);
  return { state: stopped ? 'stopped' : 'running', record };
}

function parseRecord(text: string): RestartRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = value as Partial<Record<keyof RestartRecord, unknown>> | null;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  const valid =
    typeof r === 'object' &&
    r !== null &&
    Number.isInteger(r.pid) &&
    typeof r.host === 'string' &&
    typeof r.started === 'string' &&
    typeof r.target === 'string' &&
    typeof r.step === 'string' &&
    strings(r.targets) &&
    strings(r.done);
  return valid ? (r as RestartRecord) : undefined;
}

/** Signal 0 checks without signalling: EPERM means it runs under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One line for people: "restart in progress: web2 at step drained (1 of 2 done) since ...". */
export function restartText({ state, record }: RestartSeen): string {
  const where = `${record.target} at step ${record.step} (${record.done.length} of ${record.targets.length} done)`;
  return state === 'running'
    ? `restart in progress: ${where} since ${record.started} (pid ${record.pid} on ${record.host})`
    : `a restart stopped without finishing: ${where}, started ${record.started} by pid ${record.pid} on ` +
        `${record.host}, which no longer runs (lb status shows where ${record.target} was left)`;
}

/** The record in a JSON document (`status`, `lb status`, serve's `/api/status`). */
export function restartRecordDocument(seen: RestartSeen | undefined) {
  return seen === undefined ? null : { state: seen.state, ...seen.record };
}
