import { localTomcatMissing, startLocalTomcat } from './local-tomcat.js';
import { chosenLine, noTomcatError } from './tomcat-instance.js';
import type {
  ClientAuthTomcat,
  HttpsOptions,
  HttpsTomcat,
  TomcatInstance,
  TomcatLine,
  TomcatOptions,
} from './tomcat-instance.js';

/** The kinds of test Tomcat. */
export type TomcatKind = TomcatInstance['kind'];

/** How long `auto` waits for a Docker engine to answer before using the local Tomcat. */
const DOCKER_PROBE_MS = 5_000;

let dockerProbe: Promise<boolean> | undefined;

/**
 * Whether a Docker engine answers, with testcontainers' own runtime detection (DOCKER_HOST,
 * ~/.testcontainers.properties, the usual sockets) bounded by a short time-out. testcontainers is
 * imported only here and in container-tomcat.ts, so local runs do not load it at all.
 */
export async function dockerAnswers(timeoutMs = DOCKER_PROBE_MS): Promise<boolean> {
  dockerProbe ??= (async () => {
    const { getContainerRuntimeClient } = await import('testcontainers');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const client = getContainerRuntimeClient().then(
      () => true,
      () => false,
    );
    return Promise.race([client, timeout]).finally(() => clearTimeout(timer));
  })();
  return dockerProbe;
}

/**
 * The kind chosen by env `TOMCAT_PD_TEST_TOMCAT`: `local`, `docker`, or `auto` (default): Docker
 * when an engine answers, else Debian's local Tomcat, else an error with install instructions.
 * The Tomcat 9 line (`TOMCAT_PD_TEST_LINE=9.0`) is always local: there is no Docker image of it.
 */
export async function chooseTomcatKind(line: TomcatLine = chosenLine()): Promise<TomcatKind> {
  const wanted = (process.env.TOMCAT_PD_TEST_TOMCAT ?? '').trim().toLowerCase() || 'auto';
  if (wanted !== 'local' && wanted !== 'docker' && wanted !== 'auto') {
    throw new Error(`TOMCAT_PD_TEST_TOMCAT must be "local", "docker" or "auto", not "${wanted}"`);
  }
  if (line === '9.0') {
    if (wanted === 'docker') {
      throw new Error(`TOMCAT_PD_TEST_TOMCAT=docker: the Docker image is Tomcat 10.1, not ${line}`);
    }
    const missing = localTomcatMissing(line);
    if (missing !== undefined) throw noTomcatError(missing);
    return 'local';
  }
  if (wanted === 'local' || wanted === 'docker') return wanted;
  if (await dockerAnswers()) return 'docker';
  const missing = localTomcatMissing(line);
  if (missing !== undefined) throw noTomcatError(`no Docker engine answered and ${missing}`);
  return 'local';
}

/**
 * Starts a Tomcat for a test file, of the line chosen by env `TOMCAT_PD_TEST_LINE` (`10.1` by
 * default, or `9.0`; see `chosenLine`) and the kind chosen by `chooseTomcatKind`; the instance
 * tells its `line`. Never resolves without a running Tomcat: when none can be had, it throws,
 * and the tests fail instead of passing silently. Call `stop()` in `afterAll`. With `https`, the
 * instance also has `httpsManagerUrl`, `caPem`, `caFile` (and with `clientAuth`,
 * `clientCertFile` and `clientKeyFile`), typed as present.
 */
export async function startTomcat(
  options: TomcatOptions & { https: { clientAuth: true } },
): Promise<ClientAuthTomcat>;
export async function startTomcat(
  options: TomcatOptions & { https: true | HttpsOptions },
): Promise<HttpsTomcat>;
export async function startTomcat(options?: TomcatOptions): Promise<TomcatInstance>;
export async function startTomcat(options: TomcatOptions = {}): Promise<TomcatInstance> {
  const line = chosenLine();
  const kind = await chooseTomcatKind(line);
  if (kind === 'local') return startLocalTomcat({ ...options, line });
  const { startContainerTomcat } = await import('./container-tomcat.js');
  return startContainerTomcat(options);
}

/**
 * Starts several Tomcats at once (start-up is mostly the JVM waiting, so together they take
 * little longer than one), e.g. `startTogether([startTomcat(), startTomcat({ https: true })])`.
 * If one fails, those that started are stopped before its error is thrown: no JVM outlives a
 * failed set-up.
 */
export async function startTogether<const P extends readonly Promise<TomcatInstance>[]>(
  starts: P,
): Promise<{ -readonly [K in keyof P]: Awaited<P[K]> }> {
  const results = await Promise.allSettled(starts);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.allSettled(
      results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop()] : [])),
    );
    throw failure.reason;
  }
  return results.map((result) => (result as PromiseFulfilledResult<TomcatInstance>).value) as {
    -readonly [K in keyof P]: Awaited<P[K]>;
  };
}
