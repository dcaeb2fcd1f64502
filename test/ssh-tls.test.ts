import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import type { HttpsTomcat } from '@tomcat-pd/testkit/tomcat-instance';
import { expectExit, jsonOf } from './cli-helpers.js';
import { passwordEnvOf, startSshStand, type SshStand } from './ssh-fixture.js';

// An https:// Manager reached through SSH: the TLS session is made inside the channel with Tomcat
// itself (docs/ssh.md), so its certificate is verified as without SSH, and only where only sshd
// is reachable.
let tls: HttpsTomcat;
let stand: SshStand;

beforeAll(async () => {
  [tls, stand] = await Promise.all([startTomcat({ https: true }), startSshStand()]);
});

afterAll(async () => {
  await Promise.all([tls?.stop(), stand?.stop()]);
});

function target(extra: Record<string, string> = {}) {
  return {
    name: 'secure',
    url: tls.httpsManagerUrl,
    user: tls.user,
    passwordEnv: passwordEnvOf('secure'),
    ...stand.access,
    ...extra,
  };
}

describe('an https:// Manager through SSH', () => {
  it("is read with its certificate verified against the config's caFile, inside the tunnel", async () => {
    await stand.writeConfig({ targets: [target({ caFile: tls.caFile })] });
    const result = await stand.inside(['status', '--json'], { [passwordEnvOf('secure')]: tls.password });
    expectExit(result, 0);
    expect(jsonOf<{ apps: { path: string }[] }>(result).apps.map((app) => app.path)).toContain('/manager');
  });

  it('refuses a certificate it cannot verify, as without SSH (exit 4)', async () => {
    await stand.writeConfig({ targets: [target()] });
    const result = await stand.inside(['status', '--json'], { [passwordEnvOf('secure')]: tls.password });
    const document = jsonOf<{ errors: { target: string; error: { code: string; message: string } }[] }>(
      result,
      4,
    );
    expect(document.errors).toEqual([
      {
        target: 'secure',
        error: {
          code: 'E_CONNECT',
          message: expect.stringContaining(
            'the TLS certificate was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)',
          ),
        },
      },
    ]);
  });
});
