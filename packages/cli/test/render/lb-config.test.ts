import { describe, expect, it } from 'vitest';
import { lbConfigDocument, renderManagedFile } from '../../src/render/lb-config.js';

describe('lbConfigDocument', () => {
  it('is { type, text }', () => {
    expect(lbConfigDocument('haproxy', 'global\n')).toEqual({ type: 'haproxy', text: 'global\n' });
  });

  it('names, for nginx, the managed file and what became of it', () => {
    const file = { path: '/etc/nginx/pd.conf', outcome: 'written' as const };
    expect(lbConfigDocument('nginx', 'x', file)).toEqual({ type: 'nginx', text: 'x', file });
  });
});

describe('renderManagedFile', () => {
  it('says what nginx needs and whether tomcat-pd wrote it', () => {
    expect(renderManagedFile({ path: '/f.conf', outcome: 'written' })).toMatch(
      /^Wrote \/f\.conf with every member ready/,
    );
    expect(renderManagedFile({ path: '/f.conf', outcome: 'kept' })).toContain('kept as it is');
    expect(renderManagedFile({ path: '/f.conf', outcome: 'untouched' })).toMatch(
      /nginx does not start while \/f\.conf is missing\. Add a "balancers" entry of type nginx/,
    );
  });
});
