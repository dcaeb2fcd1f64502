import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';

/** What the restart command asks of the harness: restart its Tomcat, or stop it for good (a Tomcat that does not come back). */
export type RestarterAction = 'restart' | 'stop';

/** A small HTTP server in the test process that the `restart --exec` command calls. */
export interface Restarter {
  /** `http://127.0.0.1:PORT`: the command asks `${url}/restart/$TOMCAT_PD_TARGET` (or `/stop/`). */
  readonly url: string;
  /** The targets the command named, in order, with what it asked. */
  readonly asked: string[];
  close(): Promise<void>;
}

/**
 * Starts the server that stands for the user's restart: `/restart/webN` restarts the Tomcat
 * `tomcats[N-1]` (really: its JVM stops and starts again) and answers once it is started,
 * `/stop/webN` stops it for good. `beforeEach` runs first (a test reads the balancer then,
 * while the command runs).
 */
export async function startRestarter(
  tomcats: readonly LocalTomcatInstance[],
  beforeEach: (target: string) => Promise<void> = () => Promise.resolve(),
): Promise<Restarter> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    const [, action, name] = /^\/(restart|stop)\/web(\d+)$/.exec(request.url ?? '') ?? [];
    const tomcat = name === undefined ? undefined : tomcats[Number(name) - 1];
    if (tomcat === undefined) return void response.writeHead(404).end();
    const target = `web${name}`;
    asked.push(action === 'stop' ? `stop ${target}` : target);
    beforeEach(target)
      .then(() => (action === 'stop' ? tomcat.kill() : tomcat.restart()))
      .then(
        () => response.writeHead(200).end(`${action === 'stop' ? 'stopped' : 'restarted'} ${target}\n`),
        () => response.writeHead(500).end(),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
