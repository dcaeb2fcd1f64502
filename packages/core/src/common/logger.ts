/**
 * The library prints nothing. A caller that wants to know what happens passes a logger;
 * every method is optional, so `{ info: console.error }` is a valid logger.
 */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/** A logger that drops everything: the default. */
export const silentLogger: Logger = {};
