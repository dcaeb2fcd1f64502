import { describe, expect, it } from 'vitest';
import { highlightChanges, watchHeading } from '../../src/render/watch.js';
import { fakeContext, sgr } from '../helpers/fake-context.js';

describe('status --watch rendering', () => {
  const { context } = fakeContext({}, true);
  const { colors } = context.output;

  it('the first drawing is plain; later only the lines that were not there before are painted', () => {
    const before = 'APP  VERSION  ROLE\n/shop  001  live';
    expect(highlightChanges(undefined, before, colors)).toBe(before);
    const after = 'APP  VERSION  ROLE\n/shop  001  drained\n/shop  002  live';
    expect(highlightChanges(before, after, colors)).toBe(
      ['APP  VERSION  ROLE', sgr(7, 27, '/shop  001  drained'), sgr(7, 27, '/shop  002  live')].join('\n'),
    );
    expect(highlightChanges(after, after, colors)).toBe(after);
  });

  it('the heading names the command, the interval and the time of the read', () => {
    expect(watchHeading('tomcat-pd status', 5_000, new Date('2026-12-02T04:05:06.789Z'))).toBe(
      'Every 5s: tomcat-pd status    read 04:05:06Z; Ctrl-C to stop',
    );
  });
});
