// Basic credentials in a URL (`http://user:pass@host`) and Authorization header values.
const SECRET_PATTERNS: readonly RegExp[] = [
  // Up to the last `@` before the host, as a URL parser reads it: a password may contain `@`.
  /(\/\/)[^/?#\s:@]+:[^/?#\s]*@/g,
  /(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[^\s"',}]+/gi,
];

/**
 * Removes URL credentials and Authorization values from a text: the second line of defence of
 * every error and every line the CLI writes (safety rule 6). The first is that nothing holding a
 * password is ever put into an error.
 */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (result, pattern) =>
      result.replace(pattern, (_match, prefix: string) => `${prefix}[redacted]${prefix === '//' ? '@' : ''}`),
    text,
  );
}
