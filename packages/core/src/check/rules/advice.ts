/** The checklist items no reader of a WAR can check (docs/war-check.md#always-on-advice). */
import type { CheckFinding } from '../../common/check-report.js';

export const ADVICE: readonly CheckFinding[] = [
  {
    id: 'in-process-cache',
    severity: 'advice',
    message: 'Caches held in memory by the app go stale across versions (cannot be detected).',
    locations: [],
    why:
      'Each version has its own memory: a cache, singleton or static map in the old version does not see what the ' +
      'new version writes to the database, and the other way round, for as long as both serve visitors.',
    fix:
      'Keep the time both run short (drain the old version), give cached data a short lifetime, or move the cache ' +
      'out of the JVM (Redis, memcached, a database).',
  },
  {
    id: 'shared-disk-files',
    severity: 'advice',
    message:
      'Files both versions write (uploads, exports, indexes, lock files) need care (cannot be detected).',
    locations: [],
    why:
      'Both versions run on one file system at the same time: a file written under a fixed path by one is read, ' +
      'overwritten or deleted by the other, and a format the new version changes is read by the old one.',
    fix:
      'Write to storage both versions can share safely (a database, object storage), or put the version in the ' +
      'path (the ServletContext attribute org.apache.catalina.webappVersion), and keep file formats readable by both.',
  },
];
