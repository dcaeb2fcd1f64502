import { open } from 'node:fs/promises';
import type { ChangeEvent } from './change-event.js';

/**
 * Appends one document as a JSON line and waits for the disk (fsync) before the command goes on:
 * a record the command has passed survives a crash of the process or the machine. Opened for each
 * record, in append mode: two commands writing the same file at once each write whole lines.
 */
export async function appendAuditRecord(file: string, event: ChangeEvent): Promise<void> {
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.write(`${JSON.stringify(event)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
