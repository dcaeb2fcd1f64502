import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a document is sent to the webhooks: within a budget, whatever they do. */
export interface SendLimits {
  /** The whole send, every try and pause included: the command waits no longer. */
  budgetMs: number;
  /** @defaultValue 3 */
  tries?: number;
  /** The pause before the second try, doubled before each later one. @defaultValue 250 */
  backoffMs?: number;
}

/** A webhook that did not take a document: its origin only (Slack's URLs carry a token in the path). */
export interface WebhookFailure {
  origin: string;
  problem: string;
}

/**
 * POSTs one JSON document to every URL at once, each retried with back-off within the budget;
 * never throws: what failed is returned, for a warning. A 5xx, a 429 or a lost connection is
 * tried again; another answer outside 2xx is final.
 */
export async function sendToWebhooks(
  urls: readonly string[],
  document: unknown,
  limits: SendLimits,
): Promise<WebhookFailure[]> {
  const body = JSON.stringify(document);
  const deadline = Date.now() + limits.budgetMs;
  const problems = await Promise.all(
    urls.map((url) => sendWithRetries(new URL(url), body, deadline, limits)),
  );
  return urls.flatMap((url, index) => {
    const problem = problems[index];
    return problem === undefined ? [] : [{ origin: new URL(url).origin, problem }];
  });
}

/** `undefined` once the webhook took it; else the last problem, with the number of tries. */
async function sendWithRetries(
  url: URL,
  body: string,
  deadline: number,
  { tries = 3, backoffMs = 250 }: SendLimits,
): Promise<string | undefined> {
  let problem = 'no try within the time allowed';
  for (let attempt = 1; attempt <= tries; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const answer = await post(url, body, left);
    if (answer.ok) return undefined;
    problem = `${answer.problem} (try ${attempt} of ${tries})`;
    if (!answer.again) break;
    const pause = backoffMs * 2 ** (attempt - 1);
    if (attempt === tries || Date.now() + pause >= deadline) break;
    await sleep(pause);
  }
  return problem;
}

type Answer = { ok: true } | { ok: false; again: boolean; problem: string };

function post(url: URL, body: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      // A connection of its own, closed after: a kept-alive socket would hold the process open.
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve({ ok: false, again: false, problem: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    request.on('response', (response) => {
      // The status is the whole answer: a body that never ends must not hold the process open.
      response.destroy();
      clearTimeout(timer);
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve({ ok: true });
      else resolve({ ok: false, again: status >= 500 || status === 429, problem: `HTTP ${status}` });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, again: true, problem: error.code ?? error.message });
    });
    request.end(body);
  });
}
