import { describe, expect, it } from 'vitest';
import { TomcatPdError, ErrorCode, type HintPart, type HintWords } from '@tomcat-pd/core';
import { cliWords } from '../src/hint-words.js';

/** A hint put into words, as an error carrying it words it. */
const renderHint = (parts: HintPart[], words?: HintWords) => {
  const error = new TomcatPdError(ErrorCode.usage, 'x', { hint: parts });
  return words === undefined ? error.hint : error.hintIn(words);
};

describe('the core hints in the CLI words', () => {
  it('names flags for options, with their value, and a bare flag for a switch', () => {
    const hint: HintPart[] = [
      'deploy with ',
      { option: 'version', value: 'r0001' },
      ', or choose a wider counter (',
      { option: 'width', value: 5 },
      ') or replace it (',
      { option: 'update', value: true },
      ').',
    ];
    expect(renderHint(hint, cliWords)).toBe(
      'deploy with --version r0001, or choose a wider counter (--width 5) or replace it (--update).',
    );
    expect(renderHint(hint)).toBe(
      "deploy with version: 'r0001', or choose a wider counter (width: 5) or replace it (update: true).",
    );
  });

  it.each([
    ['timeoutMs', '--timeout'],
    ['retries', '--retries'],
    ['tls.cert', '--cert-file'],
    ['tls.key', '--key-file'],
    ['force', '--force'],
    ['user', '--user'],
    ['password', '$TOMCAT_PD_PASSWORD or --password-stdin'],
  ] as const)('the %s option is %s', (option, words) => {
    expect(renderHint([{ option }], cliWords)).toBe(words);
  });

  it('names the tomcat-pd command for an undeploy, and --verbose for a bug report', () => {
    expect(renderHint([{ undeploy: { path: '/shop', version: '009' } }], cliWords)).toBe(
      'tomcat-pd undeploy --path /shop --version 009',
    );
    expect(renderHint([{ bugReport: true }], cliWords)).toContain('--verbose');
  });

  it("words an error's hint without changing the error's own (library) words", () => {
    const error = new TomcatPdError(ErrorCode.unsafe, 'refused', {
      hint: ['force it (', { option: 'force', value: true }, ').'],
    });
    expect(error.hintIn(cliWords)).toBe('force it (--force).');
    expect(error.hint).toBe('force it (force: true).');
  });
});
