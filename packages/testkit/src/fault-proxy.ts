import net from 'node:net';

/**
 * A fault-injecting TCP proxy for the faults a real Tomcat cannot produce on demand: it listens
 * on 127.0.0.1:0 and forwards to a Tomcat's port, and a test switches what it does to new
 * connections: refuse them, reset them, let them stall, delay them, or cut the answer.
 *
 * Every connection carries exactly one request: the proxy reads the request head, adds
 * `Connection: close` (Tomcat then closes after its answer and Node never reuses the socket), and
 * only then decides. So a fault aimed at `PUT` hits the upload and not the `list` before it, and
 * `requests` is a true log of what reached the proxy (e.g. "the deploy was sent once").
 */
export interface FaultProxy {
  readonly port: number;
  /** `http://127.0.0.1:PORT/manager`: use it as a target's URL. */
  readonly managerUrl: string;
  /** Connections accepted so far (refused ones never are). */
  readonly connections: number;
  /** Connections a fault was applied to (reset, stalled, cut) so far. */
  readonly faulted: number;
  /** The request line of every request whose head reached the proxy, e.g. `GET /manager/text/list HTTP/1.1`. */
  readonly requests: readonly string[];
  /** Stops listening: connections are refused (ECONNREFUSED) until `heal()`. */
  refuse(): void;
  /** Resets (TCP RST) on connect, or after `afterClientBytes` bytes of the request were forwarded. */
  reset(options?: FaultOptions & { afterClientBytes?: number }): void;
  /**
   * Forwards the first `afterClientBytes` bytes of the request (default 0: nothing; `Infinity`:
   * all of it), then nothing moves either way; the client's connection stays open.
   */
  stall(options?: FaultOptions & { afterClientBytes?: number }): void;
  /** Holds every chunk, both ways, this long. */
  delay(ms: number, options?: FaultOptions): void;
  /**
   * The whole request reaches Tomcat, but the client's connection is reset `when` the first byte
   * of Tomcat's answer comes back (default), or as soon as the request has been delivered
   * (`request-sent`, before Tomcat answers; the proxy keeps its side open so Tomcat finishes).
   */
  cutAnswer(options?: FaultOptions & { when?: 'answer' | 'request-sent' }): void;
  /** Forward everything again (and listen again after `refuse()`). Connections already faulted stay so. */
  heal(): Promise<void>;
  close(): Promise<void>;
}

export interface FaultOptions {
  /** Only requests whose head (request line and headers) matches; others pass. Default: every request. */
  match?: RegExp;
  /** After the fault was applied to this many connections the proxy heals itself. Default: until `heal()`. */
  times?: number;
}

type Action =
  | { kind: 'pass' }
  | { kind: 'reset'; afterClientBytes?: number }
  | { kind: 'stall'; afterClientBytes: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'cut-answer'; when: 'answer' | 'request-sent' };

interface Fault {
  action: Action;
  match?: RegExp;
  times?: number;
  applied: number;
}

const PASS: Fault = { action: { kind: 'pass' }, applied: 0 };
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

/** Starts a proxy on 127.0.0.1:0 that forwards to `127.0.0.1:targetPort`, in pass mode. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  let fault: Fault = PASS;
  let connections = 0;
  let faulted = 0;
  let server: net.Server | undefined;

  /** Counts the fault as applied; false if it has already been applied `times` times. */
  const apply = (current: Fault): boolean => {
    if (current.times !== undefined && current.applied >= current.times) return false;
    current.applied += 1;
    faulted += 1;
    if (current.times !== undefined && current.applied >= current.times && fault === current) fault = PASS;
    return true;
  };

  const onConnection = (client: net.Socket) => {
    connections += 1;
    track(client);
    const current = fault;
    // A reset "on connect" needs no request head: the client sees it before sending a byte.
    if (current.action.kind === 'reset' && current.action.afterClientBytes === undefined && !current.match) {
      if (apply(current)) return void client.resetAndDestroy();
    }
    readHead(client, (head, rest) => {
      requests.push(head.toString('latin1').split('\r\n', 1)[0] ?? '');
      const matches = current.match === undefined || current.match.test(head.toString('latin1'));
      const action = matches ? current.action : PASS.action;
      forward(client, withConnectionClose(head), rest, action, () => apply(current));
    });
  };

  const forward = (client: net.Socket, head: Buffer, rest: Buffer, action: Action, fire: () => boolean) => {
    if (action.kind === 'reset' && (action.afterClientBytes ?? 0) <= 0 && fire()) {
      return void client.resetAndDestroy();
    }
    // Forwarding a stall of 0 bytes means: nothing reaches Tomcat at all, and nothing comes back.
    if (action.kind === 'stall' && action.afterClientBytes <= 0 && fire()) return void client.pause();
    const upstream = track(net.connect(targetPort, '127.0.0.1'));
    const requestBytes = head.length + contentLength(head);
    let fromClient = 0;
    let stalled = false;
    let clientCut = false;
    const toUpstream = (chunk: Buffer): void => {
      if (stalled) return;
      const limit =
        action.kind === 'reset' || action.kind === 'stall' ? (action.afterClientBytes ?? 0) : Infinity;
      const allowed = chunk.subarray(0, Math.max(0, limit - fromClient));
      fromClient += chunk.length;
      if (allowed.length < chunk.length && fire()) {
        if (allowed.length > 0) upstream.write(allowed);
        if (action.kind === 'reset') {
          client.resetAndDestroy();
          upstream.resetAndDestroy();
        } else {
          stalled = true;
          client.pause();
        }
        return;
      }
      later(action, () => {
        if (!upstream.write(chunk) && !client.isPaused()) {
          client.pause();
          upstream.once('drain', () => !stalled && client.resume());
        }
        if (action.kind === 'cut-answer' && action.when === 'request-sent' && fromClient >= requestBytes) {
          if (fire()) cutClient();
        }
      });
    };
    const cutClient = () => {
      clientCut = true;
      client.resetAndDestroy();
    };
    toUpstream(Buffer.concat([head, rest]));
    client.on('data', toUpstream);
    upstream.on('data', (chunk: Buffer) => {
      if (stalled || clientCut) return;
      // The whole request went through a stall: its answer is what never comes back.
      if (action.kind === 'stall' && fire()) return void (stalled = true);
      if (action.kind === 'cut-answer' && action.when === 'answer' && fire()) return cutClient();
      later(action, () => client.write(chunk));
    });
    // Ends and closes follow the data they come after (a delay holds them as long).
    client.on('end', () => later(action, () => !stalled && upstream.end()));
    upstream.on('end', () => later(action, () => !stalled && client.end()));
    // The client gave up (time-out, stall watchdog): so does Tomcat's side, unless it must finish.
    client.on('close', () => later(action, () => !clientCut && upstream.destroy()));
    // A stalled client hears nothing, not even that Tomcat closed its side.
    upstream.on('close', () => later(action, () => !stalled && client.destroy()));
  };

  const track = (socket: net.Socket): net.Socket => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const next = net.createServer(onConnection);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        server = next;
        const address = next.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });

  const port = await listen(0);
  const set = (action: Action, options: FaultOptions = {}) => {
    fault = { action, applied: 0, ...options };
  };
  return {
    port,
    managerUrl: `http://127.0.0.1:${port}/manager`,
    get connections() {
      return connections;
    },
    get faulted() {
      return faulted;
    },
    requests,
    refuse() {
      fault = PASS;
      server?.close();
      server = undefined;
    },
    reset: ({ afterClientBytes, ...options } = {}) =>
      set({ kind: 'reset', ...(afterClientBytes === undefined ? {} : { afterClientBytes }) }, options),
    stall: ({ afterClientBytes = 0, ...options } = {}) => set({ kind: 'stall', afterClientBytes }, options),
    delay: (ms, options) => set({ kind: 'delay', ms }, options),
    cutAnswer: ({ when = 'answer', ...options } = {}) => set({ kind: 'cut-answer', when }, options),
    async heal() {
      fault = PASS;
      if (server === undefined) await listen(port);
    },
    async close() {
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (closing) await new Promise((resolve) => closing.close(resolve));
    },
  };
}

/** Buffers the client's bytes up to the end of the request head; `onHead` gets the head and the rest. */
function readHead(client: net.Socket, onHead: (head: Buffer, rest: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf(HEAD_END);
    if (end < 0 && buffered.length < MAX_HEAD) return;
    client.off('data', onData);
    const split = end < 0 ? buffered.length : end + HEAD_END.length;
    onHead(buffered.subarray(0, split), buffered.subarray(split));
  };
  client.on('data', onData);
}

/** The head with its `Connection` header replaced by `Connection: close`: one request per connection. */
function withConnectionClose(head: Buffer): Buffer {
  const text = head.toString('latin1');
  if (!text.endsWith('\r\n\r\n')) return head;
  const lines = text
    .slice(0, -4)
    .split('\r\n')
    .filter((line) => !/^connection\s*:/i.test(line));
  return Buffer.from(`${[...lines, 'Connection: close'].join('\r\n')}\r\n\r\n`, 'latin1');
}

function contentLength(head: Buffer): number {
  const match = /\r\ncontent-length\s*:\s*(\d+)/i.exec(head.toString('latin1'));
  return match ? Number(match[1]) : 0;
}

function later(action: Action, run: () => void): void {
  if (action.kind === 'delay') setTimeout(run, action.ms);
  else run();
}
