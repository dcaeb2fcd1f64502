/**
 * The two exchanges with the balancer-manager: the XML view of one balancer, and the form that
 * sets a worker's status flags. Each classifies httpd's HTTP 200 answers (docs/balancers/mod-proxy-balancer.md):
 * the HTML page where XML was asked for means httpd ignored every parameter.
 */
import { BalancerError } from '../../errors/error-classes.js';
import type { DriverCallOptions } from '../balancer-driver.js';
import { consoleAddress, consoleGet, consolePostForm, type ConsoleTarget } from '../console-http.js';
import type { AdminState } from '../member-state.js';
import { parseManagerAnswer, type ManagerBalancer } from './manager-xml.js';
import { adminOfStatus, statusFieldsOf } from './worker-status.js';

/**
 * Since 2.4.41 httpd ignores every parameter of a balancer-manager request (`xml=1` included)
 * unless its `Referer` names the host the request was sent to (AH10187 in its log).
 */
export function refererOf(consoleUrl: string): Record<string, string> {
  return { Referer: consoleAddress(consoleUrl) };
}

/** A console of one balancer, as the exchanges take it. */
export interface ManagerTarget extends ConsoleTarget {
  /** The balancer's name without `balancer://`. */
  readonly balancer: string;
}

/** The balancer as the XML view shows it. @throws BalancerError when the answer is not that view, or lacks the balancer. */
export async function readManagerBalancer(
  target: ManagerTarget,
  options: DriverCallOptions,
): Promise<ManagerBalancer> {
  const url = new URL(target.url);
  url.search = new URLSearchParams({ b: target.balancer, xml: '1' }).toString();
  const answer = await consoleGet(target, url, refererOf(target.url), options);
  return balancerIn(target, answer.body, undefined);
}

/** What one update names: the worker by its URL, the nonce read just before. */
export interface WorkerUpdate {
  readonly worker: string;
  /** The member's name as the caller gave it (route or URL), for messages. */
  readonly member: string;
  readonly nonce: string;
  readonly state: AdminState;
}

/**
 * POSTs the form that gives a worker the flags of `state`, with `xml=1` so that httpd answers with
 * the XML view after the update: a worker that does not show the state there was not changed
 * (a stale nonce, an unknown worker: httpd says nothing else). `headers` are the Referer, unless
 * a test leaves it out.
 */
export async function postWorkerStatus(
  target: ManagerTarget,
  update: WorkerUpdate,
  options: DriverCallOptions,
  headers: Readonly<Record<string, string>> = refererOf(target.url),
): Promise<void> {
  const form = new URLSearchParams({ b: target.balancer, w: update.worker, nonce: update.nonce });
  for (const [field, value] of Object.entries(statusFieldsOf(update.state))) form.set(field, value);
  form.set('xml', '1');
  const answer = await consolePostForm(target, new URL(consoleAddress(target.url)), form, headers, options);
  const after = balancerIn(target, answer.body, update.member);
  const worker = after.workers.find((candidate) => candidate.url === update.worker);
  const now = worker === undefined ? 'no such worker' : adminOfStatus(worker.status);
  if (now === update.state) return;
  throw new BalancerError(
    `Balancer ${target.name} (${consoleAddress(target.url)}) did not put ${update.member} in ${update.state}: its answer to the update shows ${now}; httpd ignores an update with a stale nonce or an unknown worker without saying so.`,
    { balancer: target.name, member: update.member, answer: `status ${worker?.status.join(' ') ?? 'none'}` },
    {
      url: consoleAddress(target.url),
      hint: 'Try again: the nonce is read anew before every update, and changes when httpd restarts.',
    },
  );
}

/** The balancer in an answer that should be the XML view. */
function balancerIn(target: ManagerTarget, body: string, member: string | undefined): ManagerBalancer {
  const address = consoleAddress(target.url);
  const parsed = parseManagerAnswer(body);
  const fail = (what: string, answer: string, hint?: string) =>
    new BalancerError(
      `Balancer ${target.name} (${address}) ${what}.`,
      { balancer: target.name, member, answer },
      { url: address, hint },
    );
  if (parsed.kind === 'page') {
    throw fail(
      'answered with its HTML page where XML was asked for: httpd ignored the parameters, as it does when the Referer does not name the host it serves',
      'the HTML page',
      'httpd compares the Referer with its ServerName (UseCanonicalName On) or the Host header: use the host name httpd answers to in the balancer\'s "url".',
    );
  }
  if (parsed.kind === 'other') throw fail(`is not a balancer-manager: ${parsed.reason}`, parsed.reason);
  const found = parsed.balancers.find((balancer) => balancer.name === target.balancer);
  if (found !== undefined) return found;
  const known = parsed.balancers.map((balancer) => balancer.name).join(', ') || 'none';
  throw fail(`has no balancer ${target.balancer}; it has: ${known}`, `balancers: ${known}`);
}
