/** The report of a canary analysis, shared by the analysis (ops/analyze/) and the errors that carry it. */

/** `pass`: the error rate stayed within the limit; `fail`: it did not; `inconclusive`: too few requests (or readings) for a verdict. */
export type AnalysisVerdict = 'pass' | 'fail' | 'inconclusive';

/** Requests and errors over a window, and their ratio (`null` without requests: these figures go into JSON as they are). */
export interface WindowFigures {
  requests: number;
  errors: number;
  errorRate: number | null;
}

/** What the analysis of one target found. */
export interface AnalysisReport extends WindowFigures {
  target: string;
  path: string;
  /** The new version. */
  version: string;
  verdict: AnalysisVerdict;
  /** The previous live version over the same window: reported, not judged. */
  baseline: (WindowFigures & { version: string }) | null;
  /** From the first reading to the verdict. */
  windowMs: number;
  /** Readings of the status page that counted. */
  samples: number;
  /** How often the counters went down (a restart or reload): each restarts the window. */
  restarts: number;
  /** Why the verdict came early or without figures (a version gone, an answer that could not be read). */
  note?: string;
}
