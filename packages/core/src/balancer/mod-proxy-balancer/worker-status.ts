/**
 * A balancer-manager worker's status words as tomcat-pd's states, and the form fields that set
 * one. Pure. The words are those of `<httpd:status>` (`Init Ign Drn Gen Shut Dis Stop Err Stby
 * Spar Free HcFl`, then `Ok` when usable); each stands for one of the flags the form sets by its
 * letter (`w_status_N`, `w_status_S`, `w_status_D`).
 */
import type { AdminState, Health } from '../member-state.js';

/**
 * Stopped (S) and disabled (D) workers are "not usable": httpd sends them no request, not even a
 * sticky one, whose visitor is re-balanced. Draining (N) is usable for sticky requests only.
 */
export function adminOfStatus(status: readonly string[]): AdminState {
  if (status.includes('Stop') || status.includes('Dis')) return 'maint';
  if (status.includes('Drn')) return 'drain';
  return 'ready';
}

/**
 * Without health checks (mod_proxy_hcheck) httpd knows only that a request failed: `Err` (in
 * error) or `HcFl` (a health check failed) is down; anything else is not a verdict.
 */
export function healthOfStatus(status: readonly string[]): Health {
  return status.includes('Err') || status.includes('HcFl') ? 'down' : 'unchecked';
}

/**
 * The flags each state sets (`1`) and clears (`0`): drain is N, never D or S (which re-balance
 * sticky visitors); maint is S; ready clears all three. Each state sets all three, so that any
 * state can follow any other in one request.
 */
export function statusFieldsOf(state: AdminState): Readonly<Record<string, '0' | '1'>> {
  return {
    w_status_N: state === 'drain' ? '1' : '0',
    w_status_S: state === 'maint' ? '1' : '0',
    w_status_D: '0',
  };
}
