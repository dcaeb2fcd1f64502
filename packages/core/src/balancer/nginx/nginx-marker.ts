import http from 'node:http';
import { AbortedError, BalancerError, ConnectionError } from '../../errors/error-classes.js';
import { getText } from '../../manager/http-get.js';
import type { SpecOf } from '../balancer-options.js';
import { NGINX_NAMES } from './nginx-file.js';

/** What the marker answered: the generation nginx serves, and the worker that answered (`$pid`). */
export interface MarkerAnswer {
  readonly generation: string;
  readonly pid: number | undefined;
}

/**
 * Every question on a new connection: a kept-alive one stays with the worker that accepted it,
 * and an old worker keeps answering on it with the old configuration, which proves nothing
 * about the connections visitors open now.
 */
const freshConnections = new http.Agent({ keepAlive: false });

/** The URL of the marker, under the balancer's `url`. */
export function markerUrl(spec: Pick<SpecOf<'nginx'>, 'url'>): URL {
  return new URL(NGINX_NAMES.markerPath, spec.url.endsWith('/') ? spec.url : `${spec.url}/`);
}

/**
 * Asks nginx which generation of the file it serves. @throws ConnectionError when nginx cannot
 * be reached or does not answer in time; BalancerError when the answer is not the marker (the
 * user's server block lacks its location).
 */
export async function readMarker(spec: SpecOf<'nginx'>, signal?: AbortSignal): Promise<MarkerAnswer> {
  const url = markerUrl(spec);
  let answer;
  try {
    answer = await getText(url, {
      headers: {},
      timeoutMs: spec.timeoutMs,
      signal,
      agent: freshConnections,
      maxBodyBytes: 1_024,
    });
  } catch (error) {
    if (signal?.aborted) throw new AbortedError(`Balancer ${spec.name}: stopped while asking ${url.href}.`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConnectionError(
      `Balancer ${spec.name}: nginx does not answer at ${url.href}: ${(error as Error).message}.`,
      { networkCode: code, transient: true, reason: (error as Error).message },
      { cause: error },
    );
  }
  const match = /^(\S+)(?: ([0-9]+))?\s*$/.exec(answer.body);
  if (answer.status !== 200 || match === null) {
    throw new BalancerError(
      `Balancer ${spec.name}: ${url.href} does not answer with the file's generation (HTTP ${answer.status}).`,
      { balancer: spec.name, answer: `HTTP ${answer.status} ${answer.body.slice(0, 80)}` },
      {
        hint: `nginx's server block at ${spec.url} needs: location = ${NGINX_NAMES.markerPath} { return 200 "$${NGINX_NAMES.generationVariable} $pid"; } (docs/balancers/nginx.md).`,
      },
    );
  }
  return { generation: match[1] ?? '', pid: match[2] === undefined ? undefined : Number(match[2]) };
}
