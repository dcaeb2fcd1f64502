import { describe, expect, it } from 'vitest';
import { renderNginxFile, type NginxFileState } from '../../../src/balancer/nginx/nginx-file.js';
import { parseNginxFile } from '../../../src/balancer/nginx/parse-nginx-file.js';

const state: NginxFileState = {
  balancer: 'front',
  generation: 'mf3k-0a1b2c3d',
  members: [
    { name: 'web1', admin: 'maint', server: '127.0.0.1:8081' },
    { name: 'web2', admin: 'drain', server: '[::1]:8082' },
  ],
};

describe('parseNginxFile', () => {
  it('reads back every state the renderer writes', () => {
    for (const admin of ['ready', 'drain', 'maint'] as const) {
      const written = { ...state, members: state.members.map((member) => ({ ...member, admin })) };
      expect(parseNginxFile(renderNginxFile(written))).toEqual({ kind: 'ours', state: written });
    }
  });

  it.each([
    [
      'a file without the state line',
      'upstream app { server 127.0.0.1:8080; }\n',
      'it has no "# tomcat-pd-state" line',
    ],
    ['a state line that is not JSON', '# tomcat-pd-state {web1: ready}\n', 'its state line is not JSON'],
    [
      'an unknown admin state',
      `# tomcat-pd-state ${JSON.stringify({ ...state, members: [{ name: 'w', admin: 'off', server: 'h:1' }] })}`,
      'its state line is not a tomcat-pd state',
    ],
    [
      'a state without a generation',
      `# tomcat-pd-state ${JSON.stringify({ balancer: 'front', members: [] })}`,
      'its state line is not a tomcat-pd state',
    ],
  ])('calls %s foreign, saying why', (_, text, reason) => {
    expect(parseNginxFile(text)).toEqual({ kind: 'foreign', reason });
  });
});
