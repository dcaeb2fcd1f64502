/** The report of a probe, shared by the probes (ops/probe/) and the errors that carry them. */

/** When a probe is made: before traffic (smoke), right after a version went live, after another change. */
export type ProbePhase = 'smoke' | 'live' | 'after';

/** What one probe found. */
export interface ProbeResult {
  phase: ProbePhase;
  target: string;
  /** The app's context path (`/shop`; `/` for ROOT). */
  path: string;
  /** The version that was live, or being smoke-tested, when it was probed (`''`: unversioned). */
  version?: string;
  url: string;
  /** The last HTTP status; `null` when no answer came. */
  status: number | null;
  /** From the first request to the verdict. */
  ms: number;
  ok: boolean;
  /** Why it failed, with the start of the body. */
  detail?: string;
}
