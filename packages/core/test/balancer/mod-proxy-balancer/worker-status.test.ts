import { describe, expect, it } from 'vitest';
import {
  adminOfStatus,
  healthOfStatus,
  statusFieldsOf,
} from '../../../src/balancer/mod-proxy-balancer/worker-status.js';

describe('adminOfStatus', () => {
  it('is drain for Drn, maint for Stop or Dis, ready otherwise', () => {
    expect(adminOfStatus(['Init', 'Ok'])).toBe('ready');
    expect(adminOfStatus(['Init', 'Drn', 'Ok'])).toBe('drain');
    expect(adminOfStatus(['Init', 'Stop'])).toBe('maint');
    expect(adminOfStatus(['Init', 'Dis'])).toBe('maint');
    expect(adminOfStatus(['Init', 'Drn', 'Stop'])).toBe('maint');
  });
});

describe('healthOfStatus', () => {
  it('is down for Err or HcFl, unchecked otherwise (no health checks)', () => {
    expect(healthOfStatus(['Init', 'Err'])).toBe('down');
    expect(healthOfStatus(['Init', 'HcFl'])).toBe('down');
    expect(healthOfStatus(['Init', 'Ok'])).toBe('unchecked');
  });
});

describe('statusFieldsOf', () => {
  it('drains with N only, stops with S only, and clears N, S and D for ready', () => {
    expect(statusFieldsOf('drain')).toEqual({ w_status_N: '1', w_status_S: '0', w_status_D: '0' });
    expect(statusFieldsOf('maint')).toEqual({ w_status_N: '0', w_status_S: '1', w_status_D: '0' });
    expect(statusFieldsOf('ready')).toEqual({ w_status_N: '0', w_status_S: '0', w_status_D: '0' });
  });
});
