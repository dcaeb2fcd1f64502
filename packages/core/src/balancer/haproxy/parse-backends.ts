import { isWholeDump, refused, type HaproxyAnswer } from './haproxy-answer.js';

/** Parses `show backend`: a header `# name`, then one backend's name per line. */
export function parseBackends(text: string): HaproxyAnswer<string[]> {
  if (!isWholeDump(text)) return refused(text);
  const [header, ...names] = text.split('\n').filter((line) => line.trim() !== '');
  if (header?.trim() !== '# name') return refused(text);
  return { ok: true, value: names.map((name) => name.trim()) };
}
