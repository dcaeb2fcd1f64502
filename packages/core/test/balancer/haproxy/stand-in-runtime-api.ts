import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the stand-in does with one command: answer a text and close, or misbehave. */
export type StandInReply = string | ((socket: Socket) => void);

/**
 * A tiny stand-in for HAProxy's runtime API on a UNIX socket or 127.0.0.1 (node:net): reads one line, gives
 * `reply(command)`, then closes as HAProxy does; for the failures the real HAProxy cannot be
 * made to produce on demand (silence, a reset, garbage). `commands` records what was sent.
 */
export async function standInRuntimeApi(
  reply: (command: string) => StandInReply,
  where: 'unix' | 'tcp' = 'unix',
) {
  const dir = mkdtempSync(join(tmpdir(), 'tomcat-pd-haproxy-stand-in-'));
  const path = join(dir, 'admin.sock');
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end < 0) return;
      const command = text.slice(0, end);
      commands.push(command);
      const answer = reply(command);
      if (typeof answer === 'string') socket.end(answer);
      else answer(socket);
    });
  });
  if (where === 'unix') await new Promise<void>((resolve) => server.listen(path, resolve));
  else await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    /** The socket option: the UNIX path, or `tcp://127.0.0.1:<port>`. */
    socket: where === 'unix' ? path : `tcp://127.0.0.1:${port}`,
    path,
    port,
    commands,
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
