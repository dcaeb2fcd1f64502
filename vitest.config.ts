import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          root: 'packages/core',
          include: ['test/**/*.test.ts'],
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
          root: 'test',
          include: ['**/*.test.ts'],
          // Each file starts its own Tomcat (1-2 s); deploys wait for Tomcat to start the context.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: more Tomcats at once only slows each one down.
          maxWorkers: 2,
          // After the unit tests (a project with its own maxWorkers needs its own group).
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
