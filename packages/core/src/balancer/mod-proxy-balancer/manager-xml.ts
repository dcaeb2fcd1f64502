/**
 * The balancer-manager's XML view (`?b=<name>&xml=1`): every balancer of the server with its
 * nonce and workers. httpd answers the HTML page instead when it ignored the request's parameters
 * (no `Referer` of its own host, since 2.4.41), so an answer is classified first. Pure.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One `<httpd:worker>`: what the driver reads of it. */
export interface ManagerWorker {
  /** `<httpd:name>`: the worker's URL (`http://10.0.0.1:8080`), what an update names in `w=`. */
  readonly url: string;
  /** `<httpd:route>`, `''` without one. */
  readonly route: string;
  /** `<httpd:status>` split into its words (`['Init', 'Drn', 'Ok']`). */
  readonly status: readonly string[];
  /** `<httpd:busy>`: requests in flight, where it is a whole number. */
  readonly busy: number | undefined;
}

/** One `<httpd:balancer>`. */
export interface ManagerBalancer {
  /** Without `balancer://`, as the form's `b=` takes it. */
  readonly name: string;
  /** `<httpd:nonce>`: `''` when the balancer was set up with `nonce=None`, `undefined` when absent. */
  readonly nonce: string | undefined;
  readonly workers: readonly ManagerWorker[];
}

/** What an answer of the balancer-manager is. */
export type ManagerAnswer =
  | { readonly kind: 'xml'; readonly balancers: readonly ManagerBalancer[] }
  /** The HTML page: httpd ignored every parameter, `xml=1` included. */
  | { readonly kind: 'page' }
  | { readonly kind: 'other'; readonly reason: string };

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  ignoreAttributes: true,
  isArray: (name) => name === 'balancer' || name === 'worker',
});

type Node = Record<string, unknown>;

export function parseManagerAnswer(text: string): ManagerAnswer {
  if (/^\s*(<!DOCTYPE HTML|<html)/i.test(text)) return { kind: 'page' };
  if (XMLValidator.validate(text) !== true)
    return { kind: 'other', reason: 'it is neither XML nor the HTML page' };
  const root = (parser.parse(text) as Node).manager as Node | undefined;
  if (root === undefined || typeof root !== 'object') {
    return { kind: 'other', reason: 'its XML has no httpd:manager element' };
  }
  const balancers = asNodes((root.balancers as Node | undefined)?.balancer).map(toBalancer);
  return { kind: 'xml', balancers };
}

function toBalancer(node: Node): ManagerBalancer {
  const name = text(node.name).replace(/^balancer:\/\//, '');
  const workers = asNodes((node.workers as Node | undefined)?.worker).map(toWorker);
  return { name, nonce: node.nonce === undefined ? undefined : text(node.nonce), workers };
}

function toWorker(node: Node): ManagerWorker {
  const busy = Number(text(node.busy));
  return {
    url: text(node.name),
    route: text(node.route),
    status: text(node.status)
      .split(/\s+/)
      .filter((word) => word !== ''),
    busy: text(node.busy) !== '' && Number.isInteger(busy) && busy >= 0 ? busy : undefined,
  };
}

function asNodes(value: unknown): Node[] {
  return Array.isArray(value)
    ? value.filter((item): item is Node => typeof item === 'object' && item !== null)
    : [];
}

/** An element's text: a string, or the first of repeated elements; `''` for an empty one. */
function text(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' || typeof first === 'number' ? String(first) : '';
}
