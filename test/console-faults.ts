import { expect, it } from 'vitest';
import { freePort } from '@tomcat-pd/testkit/free-port';
import type { BalancerDriver } from '../packages/core/src/balancer/balancer-driver.js';
import { ConnectionError } from '../packages/core/src/errors/error-classes.js';
import { errorData } from '../packages/core/src/errors/error-data.js';

/**
 * What every web console's driver must do when the console is not there or refuses its
 * credentials (mod_jk's status worker, mod_proxy_balancer's balancer-manager: one exchange,
 * balancer/console-http.ts): the tests each driver's file runs against its real httpd.
 */
export function consoleFaultTests(options: {
  /** The driver of the test's console, with another URL or password. */
  driver: (overrides: { url?: string; password?: string }) => BalancerDriver;
  /** The console's path (`/jkstatus`). */
  consolePath: string;
  balancerName: string;
  user: { name: string; password: string };
}): void {
  it('a console where nothing listens is a ConnectionError', async () => {
    const error = await options
      .driver({ url: `http://127.0.0.1:${await freePort()}${options.consolePath}` })
      .read()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'E_CONNECT', networkCode: 'ECONNREFUSED' });
  });

  it('a wrong console password is E_AUTH naming the balancer, with no password anywhere in it', async () => {
    const wrong = `wrong-${options.user.password}`;
    const error = await options
      .driver({ password: wrong })
      .read()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_AUTH', status: 401 });
    const shown = JSON.stringify({
      data: errorData(error),
      message: String(error),
      stack: (error as Error).stack,
    });
    expect(shown).toContain(`Balancer ${options.balancerName}'s console`);
    expect(shown).not.toContain(options.user.password);
    expect(shown).not.toContain(Buffer.from(`${options.user.name}:${wrong}`).toString('base64'));
  });
}
