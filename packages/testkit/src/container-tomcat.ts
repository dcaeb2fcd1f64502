import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenericContainer, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import { freePort } from './free-port.js';
import { connectorFileContents, createTlsFiles, httpsConnector, TLS_DIR } from './tls-certificate.js';
import type { TlsFiles } from './tls-certificate.js';
import { createUsers, httpsOptions, noTomcatError, serverXml, tomcatUsersXml } from './tomcat-instance.js';
import type { TomcatInstance, TomcatOptions, TomcatUser } from './tomcat-instance.js';

/** The image definition (docker/Dockerfile) at the repository root. */
const DOCKER_DIR = fileURLToPath(new URL('../../../docker', import.meta.url));
/** A fixed name, kept after the run, so the next run reuses the image instead of rebuilding it. */
const IMAGE = 'tomcat-pd-test-tomcat:local';
/** CATALINA_BASE inside the image (see docker/Dockerfile). */
const CONTAINER_BASE = '/var/lib/tomcat-pd';

let built: Promise<string> | undefined;

/** Builds docker/Dockerfile once per process (Docker's layer cache makes later builds quick). */
async function image(): Promise<string> {
  built ??= (async () => {
    try {
      await getContainerRuntimeClient();
    } catch (error) {
      throw noTomcatError(`no Docker engine answered (${String(error)})`);
    }
    await GenericContainer.fromDockerfile(DOCKER_DIR).build(IMAGE, { deleteOnExit: false });
    return IMAGE;
  })();
  return built;
}

/**
 * Starts Tomcat in a container built from docker/Dockerfile, with fresh users and a server.xml
 * written by the same code as the local harness. The container port 8080 is published on a fixed
 * free host port so that `restart()` keeps `baseUrl` valid (Docker would otherwise choose a new
 * random host port on restart). With `https`, the HTTPS connector listens on 8443 (published the
 * same way); its certificates are made on the host (in a temp dir removed by `stop()`) and copied in.
 */
export async function startContainerTomcat(options: TomcatOptions = {}): Promise<TomcatInstance> {
  // The balancers' tests run httpd on this host, in front of local Tomcats only.
  if (options.ajp !== undefined)
    throw new Error('The ajp option is for local Tomcats only (startLocalTomcat).');
  const users = createUsers();
  const hostPort = await freePort();
  const https = httpsOptions(options);
  const tlsDir = https === undefined ? undefined : await mkdtemp(join(tmpdir(), 'tomcat-pd-tls-'));
  const tls = tlsDir === undefined ? undefined : await createTlsFiles(tlsDir, https);
  const httpsHostPort = tls === undefined ? undefined : await freePort();
  const tlsContents = tls === undefined ? [] : await connectorFileContents(tls);
  const removeTls = async () => {
    if (tlsDir !== undefined) await rm(tlsDir, { recursive: true, force: true });
  };
  const container = await new GenericContainer(await image())
    .withExposedPorts(
      { container: 8080, host: hostPort },
      ...(httpsHostPort === undefined ? [] : [{ container: 8443, host: httpsHostPort }]),
    )
    .withCopyContentToContainer([
      {
        content: tomcatUsersXml(users, options),
        target: `${CONTAINER_BASE}/conf/tomcat-users.xml`,
        mode: 0o644,
      },
      {
        content: serverXml({
          port: 8080,
          address: '0.0.0.0',
          hostAttributes: options.hostAttributes,
          jvmRoute: options.jvmRoute,
          https: tls === undefined ? undefined : httpsConnector(tls, 8443),
        }),
        target: `${CONTAINER_BASE}/conf/server.xml`,
        mode: 0o644,
      },
      ...tlsContents.map(([name, content]) => ({
        content,
        target: `${CONTAINER_BASE}/${TLS_DIR}/${name}`,
        mode: 0o644,
      })),
    ])
    .withWaitStrategy(
      Wait.forHttp('/manager/text/serverinfo', 8080)
        .withBasicCredentials(users.script.name, users.script.password)
        .withHeaders({ 'accept-language': 'en' })
        .forResponsePredicate((body) => body.startsWith('OK -')),
    )
    .withStartupTimeout(90_000)
    .start()
    .catch(async (error: unknown) => {
      await removeTls();
      throw error;
    });
  return new ContainerTomcat(container, users, tls);
}

class ContainerTomcat implements TomcatInstance {
  readonly kind = 'docker' as const;
  /** docker/Dockerfile installs Debian's tomcat10; there is no Tomcat 9 image. */
  readonly line = '10.1' as const;
  readonly baseUrl: string;
  readonly managerUrl: string;
  readonly user: string;
  readonly password: string;
  readonly httpsBaseUrl?: string;
  readonly httpsManagerUrl?: string;
  readonly caPem?: string;
  readonly caFile?: string;
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;

  constructor(
    private readonly container: StartedTestContainer,
    readonly users: Record<'script' | 'guiOnly', TomcatUser>,
    private readonly tls?: TlsFiles,
  ) {
    const host = container.getHost() === 'localhost' ? '127.0.0.1' : container.getHost();
    this.baseUrl = `http://${host}:${container.getMappedPort(8080)}`;
    this.managerUrl = `${this.baseUrl}/manager`;
    this.user = users.script.name;
    this.password = users.script.password;
    if (tls !== undefined) {
      // The certificate names 127.0.0.1 and localhost: a remote Docker host fails verification.
      this.httpsBaseUrl = `https://${host}:${container.getMappedPort(8443)}`;
      this.httpsManagerUrl = `${this.httpsBaseUrl}/manager`;
      this.caPem = tls.caPem;
      this.caFile = tls.caFile;
      this.clientCertFile = tls.client?.certFile;
      this.clientKeyFile = tls.client?.keyFile;
    }
  }

  /** `docker stop` (SIGTERM to the JVM, SIGKILL after 10 s), then removes the container. */
  async stop(): Promise<void> {
    await this.container.stop({ timeout: 10_000, remove: true });
    if (this.tls !== undefined) await rm(this.tls.dir, { recursive: true, force: true });
  }

  /** `docker kill` (SIGKILL); the stopped container and its webapps stay for `restart()`. */
  async kill(): Promise<void> {
    const client = await getContainerRuntimeClient();
    await client.container.getById(this.container.getId()).kill({ signal: 'SIGKILL' });
  }

  /** `docker restart` (same container, same webapps, same host port), then waits for serverinfo. */
  async restart(): Promise<void> {
    await this.container.restart({ timeout: 10_000 });
  }
}
