import type { StartingConfigOptions } from '../../src/balancer/starting-config-options.js';

/** Two Tomcats behind a balancer, as the starting configurations' tests name them. */
export const TWO_TOMCATS: StartingConfigOptions = {
  path: '/shop',
  targets: [
    { name: 'web1', host: '10.0.0.11', port: 8080 },
    { name: 'web2', host: '10.0.0.12', port: 8080, ajpPort: 8010 },
  ],
};
