import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/error-classes.js';
import { remoteRunner, shellQuoted } from '../../src/ssh/remote-command.js';
import type { SshLink } from '../../src/ssh/ssh-pool.js';

/** What `/bin/sh` makes of each quoted word: the words printed NUL-terminated by one shell. */
function throughShell(words: readonly string[]): string[] {
  const script = `printf '%s\\0' ${words.map(shellQuoted).join(' ')}`;
  return execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

const AWKWARD = [
  '',
  'plain',
  "it's",
  "''",
  "'\\''",
  'two\nlines\n',
  '$HOME ${PATH} $(echo no) `echo no`',
  'a;b && c | d > /tmp/no',
  '"double" \\back\\slash\\',
  '* ? [a-z] ~ #not a comment',
  'tab\there, cr\r, ü, 日本',
];

describe('shellQuoted', () => {
  it("single-quotes a word and writes a single quote inside as '\\''", () => {
    expect(shellQuoted('plain')).toBe("'plain'");
    expect(shellQuoted("it's")).toBe("'it'\\''s'");
    expect(shellQuoted('')).toBe("''");
  });

  it('gives /bin/sh back each word as it was: quotes, newlines, $, backquotes, globs', () => {
    expect(throughShell(AWKWARD)).toEqual(AWKWARD);
  });

  it('gives /bin/sh back any text without NUL (which no argument can hold)', () => {
    const word = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !text.includes('\0'));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 20 }), (words) => {
        expect(throughShell(words)).toEqual(words);
      }),
      { numRuns: 50 },
    );
  });
});

/**
 * A session channel as ssh2 gives it, played by a local `/bin/sh -c <command>` that leads a
 * process group of its own, as sshd runs a command without a terminal (setsid).
 */
class LocalChannel extends EventEmitter {
  readonly stderr;

  constructor(private readonly child: ChildProcess) {
    super();
    this.stderr = child.stderr!;
    child.stdout!.on('data', (chunk) => this.emit('data', chunk));
    // ssh2: `exit` with the code, or with null and the signal's name (`SIGKILL`).
    child.on('exit', (code, signal) => this.emit('exit', code, signal ?? undefined));
    child.on('close', () => this.emit('close'));
  }

  setEncoding(encoding: BufferEncoding): this {
    this.child.stdout!.setEncoding(encoding);
    return this;
  }

  resume(): this {
    this.child.stdout!.resume();
    return this;
  }

  /** The end of what we send: the command's stdin ends. */
  end(): this {
    this.child.stdin!.end();
    return this;
  }
}

/** A link whose commands run here, as sshd would run them there; `commands` has each command line. */
function localLink(
  channelOf = (command: string) => new LocalChannel(spawn('/bin/sh', ['-c', command], { detached: true })),
) {
  const commands: string[] = [];
  const link: SshLink = {
    label: 'deploy@web1:22',
    forwardTcp: () => Promise.reject(new Error('not used')),
    forwardSocket: () => Promise.reject(new Error('not used')),
    exec(command) {
      commands.push(command);
      return Promise.resolve(channelOf(command) as unknown as ClientChannel);
    },
  };
  return { link, commands };
}

describe('remoteRunner', () => {
  it('runs the command under sh -c with the variables set by env, each value intact, and its exit code', async () => {
    const { link, commands } = localLink();
    const lines: string[] = [];
    const target = "web'1 $HOME `id`";
    const exit = await remoteRunner(link).run(
      `printf '%s\\n' "$TOMCAT_PD_TARGET" "$OTHER"; echo oops >&2; exit 3`,
      {
        env: { TOMCAT_PD_TARGET: target, OTHER: 'a"b' },
        timeoutMs: 10_000,
        onLine: (line) => lines.push(line),
      },
    );
    expect(exit).toEqual({ exitCode: 3, signal: null, timedOut: false });
    expect(lines.sort()).toEqual([target, 'a"b', 'oops'].sort());
    expect(commands).toEqual([
      `echo $$; exec env TOMCAT_PD_TARGET='web'\\''1 $HOME \`id\`' OTHER='a"b' sh -c 'printf '\\''%s\\n'\\'' "$TOMCAT_PD_TARGET" "$OTHER"; echo oops >&2; exit 3'`,
    ]);
  });

  it("past its time the command's process group is killed over a second channel, and the run says it timed out", async () => {
    const { link, commands } = localLink();
    const started = performance.now();
    const exit = await remoteRunner(link).run('sleep 30; echo never', {
      env: {},
      timeoutMs: 100,
      onLine: () => {},
    });
    expect(exit).toEqual({ exitCode: null, signal: 'SIGKILL', timedOut: true });
    // The sleep, a child of the shells, held the output open: the channel closed because it died too.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(commands).toHaveLength(2);
    expect(commands[1]).toMatch(/^kill -s KILL -- -\d+$/);
  });

  it("ends the command's stdin at once: a command that reads it (sudo asking for a password) does not wait for its time-out", async () => {
    const { link } = localLink();
    const lines: string[] = [];
    const exit = await remoteRunner(link).run('cat; echo "read to the end"', {
      env: {},
      timeoutMs: 10_000,
      onLine: (line) => lines.push(line),
    });
    expect(exit).toEqual({ exitCode: 0, signal: null, timedOut: false });
    expect(lines).toEqual(['read to the end']);
  });

  it('a channel that closes without an exit (the connection lost): E_CONNECT, whether it finished is unknown', async () => {
    const dropped = () => {
      const channel = Object.assign(new EventEmitter(), {
        stderr: Object.assign(new EventEmitter(), { setEncoding: () => {} }),
        setEncoding: () => {},
        end: () => {},
      });
      setImmediate(() => channel.emit('close'));
      return channel as unknown as LocalChannel;
    };
    const { link } = localLink(dropped);
    const run = remoteRunner(link).run('sudo systemctl restart tomcat10', {
      env: {},
      timeoutMs: 10_000,
      onLine: () => {},
    });
    await expect(run).rejects.toBeInstanceOf(ConnectionError);
    await expect(run).rejects.toMatchObject({
      code: 'E_CONNECT',
      transient: false,
      message:
        'The SSH connection to deploy@web1:22 closed while the command ran: whether it finished is unknown.',
    });
  });
});
