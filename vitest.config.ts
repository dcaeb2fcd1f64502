import { defineConfig } from 'vitest/config';

/** What both integration projects share (each file starts its own Tomcat). */
const integration = {
  root: 'test',
  // Each file starts its own Tomcat (1-2 s); deploys wait for Tomcat to start the context.
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // Two cores: more Tomcats at once only slows each one down.
  maxWorkers: 2,
  // After the unit tests (a project with its own maxWorkers needs its own group). Both
  // integration projects share the group, so their files share the 2 workers.
  sequence: { groupOrder: 1 },
};

/**
 * The integration files that also run against Tomcat 9.0.70 (TOMCAT_PD_TEST_LINE=9.0, assembled
 * from Debian's libtomcat9-java by packages/testkit/src/tomcat9-home.ts): the harness itself, every
 * command (deploy, status, sessions, rollback, drain with --wait and --every, undeploy), the
 * parallel-deployment walkthrough, TLS, and the failure paths (a context that fails to start,
 * 401/403, network faults, crashes and restarts), the smoke test, the probes of a fleet
 * and probes cut short by a signal or a restart (javax health WARs; ~17 s, ~14 s and ~18 s),
 * findleaks with a WAR that leaks its class loader (~9 s). About 95 s alone, ~60-70 s more for the whole
 * integration group on 2 cores. The other files pass on 9.0 too
 * (`TOMCAT_PD_TEST_LINE=9.0 vitest run --project integration`, ~175 s) but test the CLI and
 * fleets rather than Tomcat, or take too long (probe.test.ts, ~35 s).
 */
const ON_TOMCAT9 = [
  'harness.test.ts',
  'seed-walkthrough.test.ts',
  'auth.test.ts',
  'cli-cycle.test.ts',
  'cli-drain.test.ts',
  'cli-json.test.ts',
  'deploy-failures.test.ts',
  'drain.test.ts',
  'rollback.test.ts',
  'paths-and-versions.test.ts',
  'tls.test.ts',
  'faults-network.test.ts',
  'faults-restart-drain.test.ts',
  'faults-crash.test.ts',
  'smoke.test.ts',
  'probe-fleet.test.ts',
  'probe-interrupted.test.ts',
  'find-leaks.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          root: 'packages/core',
          include: ['test/**/*.test.ts'],
          // The unit projects run with Node alone: a test of the core that needs the JDK is
          // named x.jdk.test.ts and runs with the integration suites.
          exclude: ['**/node_modules/**', 'test/**/*.jdk.test.ts'],
        },
      },
      {
        test: {
          name: 'core-jdk',
          root: 'packages/core',
          include: ['test/**/*.jdk.test.ts'],
          testTimeout: 60_000,
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'cli',
          root: 'packages/cli',
          include: ['test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.test.ts'],
          ...integration,
        },
      },
      {
        test: {
          name: 'integration-tomcat9',
          include: ON_TOMCAT9,
          env: { TOMCAT_PD_TEST_LINE: '9.0' },
          ...integration,
        },
      },
    ],
  },
});
