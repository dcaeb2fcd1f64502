import { fixture } from '@tomcat-pd/testkit/recorded';

/** An answer of the real HAProxy 2.6.12, byte-exact: packages/testkit/fixtures/haproxy/README.md. */
export const haproxyAnswer = (name: string): string => fixture(`haproxy/${name}`);
