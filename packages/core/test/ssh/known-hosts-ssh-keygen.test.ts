import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  entriesForHost,
  hostKeyFingerprint,
  judgeHostKey,
  knownHostsName,
  parseKnownHosts,
} from '../../src/ssh/known-hosts.js';
import { KEY_NAMES, fixturePath, fixtureText, keyBlob } from './known-hosts-fixtures.js';

// The module against OpenSSH's own ssh-keygen, run now rather than recorded: the fingerprints, the
// lines `ssh-keygen -F` finds for a name (patterns, ports, hashed names), and names hashed afresh.

/** ssh-keygen's standard output; a missing ssh-keygen fails the test with what to install. */
function sshKeygen(args: readonly string[]): string {
  const run = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
  if (run.error !== undefined) {
    throw new Error('These tests need ssh-keygen on the PATH (Debian: apt-get install openssh-client).', {
      cause: run.error,
    });
  }
  return run.stdout;
}

const PROBES: ReadonlyArray<readonly [string, number]> = [
  ['web1.example.com', 22],
  ['WEB1.Example.COM', 22],
  ['web1.example.com', 2222],
  ['192.0.2.10', 22],
  ['web2.example.com', 2222],
  ['web2.example.com', 22],
  ['web22.example.com', 22],
  ['web3', 22],
  ['198.51.100.3', 22],
  ['a.cluster.example.com', 22],
  ['bastion.cluster.example.com', 22],
  ['db1.example.com', 22],
  ['db12.example.com', 22],
  ['mixed.case.example.com', 22],
  ['revoked.example.com', 22],
  ['two-keys.example.com', 22],
  ['nothing.test', 2222],
  ['hashed.example.com', 22],
  ['hashed.example.com', 2200],
  ['hashed.example.com', 2222],
  ['hashed-multi.example.com', 22],
  ['203.0.113.7', 22],
  ['a.wild.example.com', 22],
  ['hashed-revoked.example.com', 22],
  ['hashed-ca.example.com', 22],
];

const MARKER_WORDS = { REVOKED: 'revoked', CA: 'cert-authority' } as const;

/** The lines `ssh-keygen -F name -f file` reports (`# Host name found: line 3 REVOKED`), with their marker. */
function foundBySshKeygen(file: string, name: string): string[] {
  return [
    ...sshKeygen(['-F', name, '-f', fixturePath(file)]).matchAll(/^# Host .* found: line (\d+) ?(\w*)$/gm),
  ].map(([, line, word]) => `${line} ${MARKER_WORDS[word as keyof typeof MARKER_WORDS] ?? ''}`);
}

describe('known-hosts.ts against ssh-keygen (OpenSSH)', () => {
  it.each(KEY_NAMES)('%s: the fingerprint ssh-keygen -l -E sha256 prints', (name) => {
    const printed = sshKeygen(['-l', '-E', 'sha256', '-f', fixturePath(`${name}.pub`)]).split(' ')[1];
    expect(hostKeyFingerprint(keyBlob(name))).toBe(printed);
  });

  it.each(['known_hosts', 'known_hosts.hashed'])(
    '%s: the lines ssh-keygen -F finds for each name',
    (file) => {
      const entries = parseKnownHosts(fixtureText(file));
      const usable = new Set(entries.map((entry) => entry.line));
      for (const [host, port] of PROBES) {
        const name = knownHostsName(host, port);
        // ssh-keygen -F does not read the keys: the broken lines it finds are the ones we skip.
        const found = foundBySshKeygen(file, name).filter((line) => usable.has(Number.parseInt(line, 10)));
        const ours = entriesForHost(entries, host, port).map(
          (entry) => `${entry.line} ${entry.marker ?? ''}`,
        );
        expect(ours, `${file}: ${name}`).toEqual(found);
      }
    },
  );

  describe('names hashed now by ssh-keygen -H', () => {
    const dir = mkdtempSync(join(tmpdir(), 'known-hosts-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('are known at their line, on their port only', () => {
      // host, port, and the name ssh writes for them (sshd(8): `[host]:port` when not 22)
      const names: ReadonlyArray<readonly [string, number, string]> = [
        ['fresh.example.com', 22, 'fresh.example.com'],
        ['Fresh.Example.com', 8022, '[fresh.example.com]:8022'],
        ['10.1.2.3', 2222, '[10.1.2.3]:2222'],
        ['fe80::1', 22, 'fe80::1'],
        ['2001:db8::7', 65_535, '[2001:db8::7]:65535'],
      ];
      const key = fixtureText('web-rsa.pub').split(' ').slice(0, 2).join(' ');
      const file = join(dir, 'known_hosts');
      writeFileSync(file, names.map(([, , name]) => `${name} ${key}\n`).join(''));
      sshKeygen(['-H', '-f', file]);
      const entries = parseKnownHosts(readFileSync(file, 'utf8'));
      expect(entries.map((entry) => entry.hosts.kind)).toEqual(names.map(() => 'hashed'));
      names.forEach(([host, port], index) => {
        expect(judgeHostKey(entries, host, port, keyBlob('web-rsa'))).toEqual({
          kind: 'known',
          line: index + 1,
        });
        expect(judgeHostKey(entries, host, port + 1, keyBlob('web-rsa'))).toEqual({ kind: 'unknown' });
      });
    });
  });
});
