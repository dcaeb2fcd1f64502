/**
 * The WAR of every lock record, held in memory: one deflated `META-INF/context.xml`, 235 bytes.
 *
 * ```xml
 * <Context containerSciFilter=".*"><JarScanner scanClassPath="false" scanManifest="false"/></Context>
 * ```
 *
 * Without it an empty WAR costs a class-path scan for TLDs and annotations per deploy (~0.7 s
 * measured on 10.1); with it a record deploys in ~10-40 ms (docs/lock.md#the-record-war). It has
 * nothing to serve: every visit under it is a 404. Made once with yazl; test/lock/lock-war.test.ts
 * reads it back.
 */
const LOCK_WAR_BASE64 =
  'UEsDBBQAAAgIAAAAh10Zu1j8WAAAAGQAAAAUAAAATUVUQS1JTkYvY29udGV4dC54bWyzcc7PK0mtKFFIzs8rSczMSy0KTs50y8wpSS2yVdLTUrKz8UosCk5OzMtLLVIoTk7Mc85JLC4OSCzJsFVKS8wpTlUCi/om5mWmpRaXwAT17Wz0oSbbcQEAUEsBAj8DFAAACAgAAACHXRm7WPxYAAAAZAAAABQACQAAAAAAAAAAALSBAAAAAE1FVEEtSU5GL2NvbnRleHQueG1sVVQFAAMA9xVrUEsFBgAAAAABAAEASwAAAIoAAAAAAA==';

let war: Uint8Array | undefined;

/** The record WAR's bytes (decoded once). */
export function lockWar(): Uint8Array {
  war ??= Buffer.from(LOCK_WAR_BASE64, 'base64');
  return war;
}
