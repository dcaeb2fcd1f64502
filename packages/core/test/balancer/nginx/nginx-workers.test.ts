import { describe, expect, it } from 'vitest';
import { acceptingWorkersBeside, stillAccepting } from '../../../src/balancer/nginx/nginx-workers.js';

// The real nginx's workers are read in test/lb-nginx.test.ts; here, what is not one.
describe('acceptingWorkersBeside', () => {
  it('is undefined for a process that is no nginx worker, and for none at all', async () => {
    expect(await acceptingWorkersBeside(process.pid)).toBeUndefined();
    expect(await acceptingWorkersBeside(2 ** 30)).toBeUndefined();
  });
});

describe('stillAccepting', () => {
  it('drops workers that are gone or belong to another parent', async () => {
    expect(await stillAccepting({ master: process.ppid, pids: [process.pid, 2 ** 30] })).toEqual([]);
  });
});
