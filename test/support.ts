import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createManagerClient, type ManagerClient } from '@tomcat-pd/core';
import { startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import type { TomcatInstance } from '@tomcat-pd/testkit/tomcat-instance';

export interface TomcatFixture {
  readonly tomcat: TomcatInstance;
  /** A client with the manager-script user. */
  readonly client: ManagerClient;
  /** A fresh directory for the WARs a test builds. */
  readonly warDir: string;
}

/** Starts one real Tomcat for the test file and stops it afterwards. */
export function useTomcat(): TomcatFixture {
  let tomcat: TomcatInstance | undefined;
  let client: ManagerClient | undefined;
  let warDir: string | undefined;
  beforeAll(async () => {
    tomcat = await startTomcat();
    client = createManagerClient({ url: tomcat.managerUrl, user: tomcat.user, password: tomcat.password });
    warDir = await mkdtemp(join(tmpdir(), 'tomcat-pd-wars-'));
  });
  afterAll(async () => {
    await tomcat?.stop();
    if (warDir) await rm(warDir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The Tomcat fixture is not started (beforeAll failed).');
    return value;
  };
  return {
    get tomcat() {
      return ready(tomcat);
    },
    get client() {
      return ready(client);
    },
    get warDir() {
      return ready(warDir);
    },
  };
}
