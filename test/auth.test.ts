import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createManagerClient, getStatus, type TomcatPdError } from '@tomcat-pd/core';
import { useTomcat } from './support.js';

const fixture = useTomcat();

describe('credentials against a real Tomcat', () => {
  it('says 401 for a wrong password, without the password anywhere in the error', async () => {
    const password = 'wrong-Secret-42';
    const client = createManagerClient({
      url: fixture.tomcat.managerUrl,
      user: fixture.tomcat.user,
      password,
    });
    const error = (await getStatus(client).catch((e: unknown) => e)) as TomcatPdError;
    expect(error).toMatchObject({ code: 'E_AUTH', status: 401 });
    expect(error.message).toContain(`user '${fixture.tomcat.user}'`);
    const basic = Buffer.from(`${fixture.tomcat.user}:${password}`).toString('base64');
    for (const text of [
      inspect(error, { depth: 10 }),
      JSON.stringify(error),
      String(error.stack),
      inspect(client),
    ]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(basic);
    }
  });

  it('says 403 with both causes for a user without manager-script', async () => {
    const { name, password } = fixture.tomcat.users.guiOnly;
    const client = createManagerClient({ url: fixture.tomcat.managerUrl, user: name, password });
    const error = (await getStatus(client).catch((e: unknown) => e)) as TomcatPdError;
    expect(error).toMatchObject({ code: 'E_FORBIDDEN', status: 403 });
    expect(error.hint).toMatch(/manager-script/);
    expect(error.hint).toMatch(/RemoteAddrValve|RemoteCIDRValve/);
  });

  it('says when the URL is not a Manager', async () => {
    const client = createManagerClient({
      url: `${fixture.tomcat.baseUrl}/no-such-manager`,
      user: fixture.tomcat.user,
      password: fixture.tomcat.password,
    });
    await expect(getStatus(client)).rejects.toMatchObject({ code: 'E_NOT_MANAGER', status: 404 });
  });

  it('reads serverinfo with the right credentials', async () => {
    expect((await fixture.client.serverInfo()).tomcatVersion).toMatch(/^Apache Tomcat\/\d+/);
  });
});
