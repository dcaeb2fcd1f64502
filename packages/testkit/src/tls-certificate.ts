import { execFile } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the TLS files live, relative to CATALINA_BASE (server.xml names them relative to it). */
export const TLS_DIR = 'conf/tls';

/** The files of one test Tomcat's HTTPS connector, written by {@link createTlsFiles}. */
export interface TlsFiles {
  /** The directory holding every file below (absolute). */
  readonly dir: string;
  /** File names inside `dir` (and inside `TLS_DIR` of CATALINA_BASE). */
  readonly names: {
    readonly keystore: string;
    readonly serverCert: string;
    readonly truststore?: string;
    readonly clientCert?: string;
    readonly clientKey?: string;
  };
  /** Password of the PKCS12 keystore (random; the key inside has the same). */
  readonly keystorePassword: string;
  /** The server's self-signed certificate (PEM), to trust as a CA: SAN IP:127.0.0.1, DNS:localhost. */
  readonly caPem: string;
  /** `dir/<serverCert>`: the file holding `caPem`. */
  readonly caFile: string;
  /** With `clientAuth`: a client certificate issued by the CA the connector trusts, and its key. */
  readonly client?: { readonly certFile: string; readonly keyFile: string };
}

/** What the `<Connector>` for HTTPS needs (see `serverXml`). */
export interface HttpsConnector {
  port: number;
  /** Paths relative to CATALINA_BASE. */
  keystoreFile: string;
  keystorePassword: string;
  /** JKS truststore (password `keystorePassword`) with the client CA; makes client certificates required. */
  truststoreFile?: string;
}

// openssl, not keytool: keytool starts a JVM (~400 ms a call). EC P-256: a key takes a millisecond.
// Valid for 2 days: no test run lasts longer, and a clock skew of a day does not matter.
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const DAYS = ['-days', '2'];

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${stderr?.trim() || message}`);
  }
}

/**
 * Makes a fresh self-signed server certificate for 127.0.0.1/localhost (also kept as PEM, to be
 * trusted as a CA) in a PKCS12 keystore, in `dir` (created), with `openssl` (a few ms per call).
 * With `clientAuth`, also a client CA in a JKS truststore for the connector, and a client
 * certificate it issued, with its key, as PEM. Nothing is shared between instances: every Tomcat
 * has its own certificates, so trusting one instance's CA proves nothing about another's.
 */
export async function createTlsFiles(dir: string, options: { clientAuth?: boolean } = {}): Promise<TlsFiles> {
  await mkdir(dir, { recursive: true });
  const keystorePassword = randomBytes(12).toString('hex');
  const server = (async () => {
    await openssl(
      [
        'req',
        '-x509',
        ...KEY,
        '-keyout',
        'server.key',
        '-out',
        'server.pem',
        ...DAYS,
        '-subj',
        '/CN=127.0.0.1/O=tomcat-pd test server',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      dir,
    );
    await openssl(
      [
        'pkcs12',
        '-export',
        '-in',
        'server.pem',
        '-inkey',
        'server.key',
        '-name',
        'tomcat',
        '-out',
        'server.p12',
        '-passout',
        `pass:${keystorePassword}`,
      ],
      dir,
    );
  })();
  const client = options.clientAuth
    ? (async () => {
        await openssl(
          [
            'req',
            '-x509',
            ...KEY,
            '-keyout',
            'client-ca.key',
            '-out',
            'client-ca.pem',
            ...DAYS,
            '-subj',
            '/CN=tomcat-pd test client CA',
          ],
          dir,
        );
        await openssl(
          [
            'req',
            '-x509',
            ...KEY,
            '-keyout',
            'client.key',
            '-out',
            'client.pem',
            ...DAYS,
            '-subj',
            '/CN=tomcat-pd-test-client',
            '-CA',
            'client-ca.pem',
            '-CAkey',
            'client-ca.key',
            '-addext',
            'basicConstraints=critical,CA:FALSE',
            '-addext',
            'extendedKeyUsage=clientAuth',
          ],
          dir,
        );
        const caPem = await readFile(join(dir, 'client-ca.pem'), 'utf8');
        await writeFile(join(dir, 'truststore.jks'), jksTruststore(caPem, 'client-ca', keystorePassword));
      })()
    : Promise.resolve();
  await Promise.all([server, client]);
  const caFile = join(dir, 'server.pem');
  return {
    dir,
    names: {
      keystore: 'server.p12',
      serverCert: 'server.pem',
      ...(options.clientAuth
        ? { truststore: 'truststore.jks', clientCert: 'client.pem', clientKey: 'client.key' }
        : {}),
    },
    keystorePassword,
    caPem: await readFile(caFile, 'utf8'),
    caFile,
    ...(options.clientAuth
      ? { client: { certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client.key') } }
      : {}),
  };
}

/** The connector settings for `serverXml`, with the files under CATALINA_BASE/TLS_DIR. */
export function httpsConnector(files: TlsFiles, port: number): HttpsConnector {
  return {
    port,
    keystoreFile: `${TLS_DIR}/${files.names.keystore}`,
    keystorePassword: files.keystorePassword,
    ...(files.names.truststore === undefined
      ? {}
      : { truststoreFile: `${TLS_DIR}/${files.names.truststore}` }),
  };
}

/** Every file the connector reads, as `[name, content]`, e.g. to copy them into a container. */
export async function connectorFileContents(files: TlsFiles): Promise<[string, Buffer][]> {
  const names = [files.names.keystore, files.names.truststore].filter((n): n is string => n !== undefined);
  return Promise.all(
    names.map(async (name) => [name, await readFile(join(files.dir, name))] as [string, Buffer]),
  );
}

/**
 * A Java KeyStore (JKS) holding one trusted certificate. Tomcat's JSSE connector trusts client
 * certificates only through a truststore's trusted-certificate entries (`caCertificateFile` is
 * OpenSSL-only; a PKCS12 from `openssl pkcs12 -export -nokeys` has no entry Java accepts as
 * trusted, since OpenSSL 3.0 cannot add Java's trust attribute), and `keytool -importcert` costs
 * a JVM start (~450 ms). JKS is simple enough to write here. Layout (sun.security.provider.
 * JavaKeyStore): magic 0xFEEDFEED, version 2, entry count; per trusted entry: tag 2, alias
 * (writeUTF), creation time (ms, int64), certificate type (writeUTF "X.509"), DER length, DER;
 * then SHA-1 over (password as UTF-16BE, "Mighty Aphrodite", everything before).
 */
export function jksTruststore(certPem: string, alias: string, password: string): Buffer {
  const utf = (text: string): Buffer => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const int32 = (value: number): Buffer => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(value);
    return buffer;
  };
  const time = Buffer.alloc(8);
  time.writeBigInt64BE(BigInt(Date.now()));
  const der = new X509Certificate(certPem).raw;
  const body = Buffer.concat([
    int32(0xfeedfeed),
    int32(2),
    int32(1),
    int32(2),
    utf(alias.toLowerCase()),
    time,
    utf('X.509'),
    int32(der.length),
    der,
  ]);
  const digest = createHash('sha1')
    .update(Buffer.from(password, 'utf16le').swap16())
    .update('Mighty Aphrodite', 'utf8')
    .update(body)
    .digest();
  return Buffer.concat([body, digest]);
}
