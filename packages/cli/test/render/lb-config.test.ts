import { describe, expect, it } from 'vitest';
import { lbConfigDocument } from '../../src/render/lb-config.js';

describe('lbConfigDocument', () => {
  it('is { type, text }', () => {
    expect(lbConfigDocument('haproxy', 'global\n', '/run/a.sock')).toEqual({
      type: 'haproxy',
      text: 'global\n',
    });
  });

  it("names, for nginx, the managed file that must exist before nginx starts (the entry's, else the default)", () => {
    expect(lbConfigDocument('nginx', 'x', '/etc/nginx/pd.conf').file).toBe('/etc/nginx/pd.conf');
    expect(lbConfigDocument('nginx', 'x', undefined).file).toBe('/etc/nginx/tomcat-pd/tomcats.conf');
  });
});
