import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '@tomcat-pd/testkit/ssh-keys';
import { jsonOf, runCli } from './cli-helpers.js';
import { useFolder, useSshd, useTomcat } from './ssh-fault-fixture.js';

// Without a key file, the SSH agent signs (docs/ssh.md): a real OpenSSH ssh-agent holding the key
// sshd authorizes, reached through SSH_AUTH_SOCK, and one holding only another key.
const SSH_AGENT = '/usr/bin/ssh-agent';
const SSH_ADD = '/usr/bin/ssh-add';

const tomcat = useTomcat();
const sshd = useSshd();
const dir = useFolder();
const agents: ChildProcess[] = [];

/** An ssh-agent in the foreground on a socket of its own, holding `keyFile`; its socket. */
async function agentWith(keyFile: string, name: string): Promise<string> {
  if (!existsSync(SSH_AGENT)) throw new Error(`${SSH_AGENT} is missing: apt-get install -y openssh-client`);
  const socket = join(dir(), `${name}.sock`);
  const agent = spawn(SSH_AGENT, ['-D', '-a', socket], { stdio: 'ignore' });
  agents.push(agent);
  for (let tries = 0; !existsSync(socket); tries++) {
    if (tries > 100) throw new Error('ssh-agent did not make its socket');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const added = spawn(SSH_ADD, [keyFile], { env: { SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => added.on('close', resolve));
  if (code !== 0) throw new Error(`ssh-add ${keyFile} exited ${String(code)}`);
  return socket;
}

/** `status --json` of the Tomcat through sshd with no key file: the agent at `socket` must sign. */
async function statusWithAgent(socket: string) {
  const knownHosts = await sshd().knownHostsFile();
  const connection = ['--url', tomcat().managerUrl, '--user', tomcat().user, '--ssh', sshd().destination];
  return runCli(['status', '--json', '--retries', '0', ...connection, '--ssh-known-hosts', knownHosts], {
    env: { TOMCAT_PD_PASSWORD: tomcat().password, SSH_AUTH_SOCK: socket },
  });
}

afterAll(() => {
  for (const agent of agents) agent.kill();
});

describe('the SSH agent', () => {
  it('logs in with the key the agent holds: no key file given', async () => {
    const socket = await agentWith(sshd().clientKeyFile, 'right');
    const before = sshd().acceptedLogins();
    const result = await statusWithAgent(socket);
    expect(jsonOf<{ apps: { path: string }[] }>(result).apps.map((app) => app.path)).toContain('/manager');
    expect(sshd().acceptedLogins()).toBe(before + 1);
  });

  it('an agent without an authorized key: exit 4, E_SSH, every key of the agent refused', async () => {
    const other = await generateKeyPair('ed25519', join(dir(), 'other_ed25519'));
    const socket = await agentWith(other.file, 'wrong');
    const result = await statusWithAgent(socket);
    const { errors } = jsonOf<{ errors: { error: { code: string; message: string } }[] }>(result, 4);
    expect(errors.map(({ error }) => error.code)).toEqual(['E_SSH']);
    expect(errors[0]?.error.message).toBe(
      `sshd at ${sshd().destination} refused every key of the agent for user ${sshd().user}.`,
    );
  });
});
