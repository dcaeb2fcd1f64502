import { describe, expect, it } from 'vitest';
import {
  memberUpstream,
  renderNginxFile,
  type NginxFileState,
} from '../../../src/balancer/nginx/nginx-file.js';

const state: NginxFileState = {
  balancer: 'front',
  generation: 'g1',
  members: [
    { name: 'web1', admin: 'drain', server: '127.0.0.1:8081' },
    { name: 'web2', admin: 'ready', server: '127.0.0.1:8082' },
    { name: 'web.3', admin: 'maint', server: 'tc3.example:8080' },
  ],
};

describe('renderNginxFile', () => {
  const text = renderNginxFile(state);

  it('keeps only the ready members up in the pool of new visitors', () => {
    expect(text).toContain(
      'upstream tomcat-pd-pool {\n' +
        '    server 127.0.0.1:8081 down;\n' +
        '    server 127.0.0.1:8082;\n' +
        '    server tc3.example:8080 down;\n}',
    );
  });

  it('gives every member an upstream of its own, the ready members as backups', () => {
    expect(text).toContain(
      'upstream tomcat-pd-node-web1 { server 127.0.0.1:8081; server 127.0.0.1:8082 backup; }',
    );
    expect(text).toContain('upstream tomcat-pd-node-web2 { server 127.0.0.1:8082; }');
    expect(text).toContain(
      'upstream tomcat-pd-node-web.3 { server tc3.example:8080; server 127.0.0.1:8082 backup; }',
    );
    expect(memberUpstream('web2')).toBe('tomcat-pd-node-web2');
  });

  it("routes a drained member's sessions to it, by cookie and by path, and a maint member's to the pool", () => {
    expect(text).toContain('    "~\\.web1$" tomcat-pd-node-web1;');
    expect(text).toContain('    "~^[^?]*;jsessionid=[^?/;]*\\.web1(?:[?/;]|$)" tomcat-pd-node-web1;');
    expect(text).toContain('    "~\\.web2$" tomcat-pd-node-web2;');
    expect(text).not.toContain(' tomcat-pd-node-web.3;');
    expect(text).toContain('map $cookie_JSESSIONID $tomcat_pd_upstream {');
    expect(text).toContain('    default $tomcat_pd_path_route;');
    expect(text).toContain('    default tomcat-pd-pool;');
  });

  it('serves its generation in a variable and records the whole state on one line', () => {
    expect(text).toContain('map "" $tomcat_pd_generation { default "g1"; }');
    expect(text.split('\n')[1]).toBe(`# tomcat-pd-state ${JSON.stringify(state)}`);
  });

  it('matches the recorded file for two ready members', () => {
    const ready: NginxFileState = {
      balancer: 'lb',
      generation: 'abc-1',
      members: [
        { name: 'a', admin: 'ready', server: '10.0.0.1:8080' },
        { name: 'b', admin: 'ready', server: '10.0.0.2:8080' },
      ],
    };
    expect(renderNginxFile(ready)).toMatchSnapshot();
  });
});
