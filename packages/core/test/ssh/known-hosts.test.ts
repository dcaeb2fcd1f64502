import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InternalError } from '../../src/errors/internal-error.js';
import {
  hostKeyFingerprint,
  hostKeyType,
  judgeHostKey,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  type HostKeyVerdict,
} from '../../src/ssh/known-hosts.js';
import { RUNS } from '../helpers/properties.js';
import { KEY_NAMES, fixtureText, keyBlob, type KeyName } from './known-hosts-fixtures.js';

const plain = parseKnownHosts(fixtureText('known_hosts'));
const hashed = parseKnownHosts(fixtureText('known_hosts.hashed'));

describe('parseKnownHosts', () => {
  it('keeps the usable lines and skips the comment, the blank line and the broken ones', () => {
    expect(plain.map((entry) => entry.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 18, 19, 20, 21, 22]);
    // 11 garbage, 12 key not base64, 13 blob of another type than the line says, 14 unknown marker, 15 two markers
    expect(hashed.map((entry) => entry.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads the patterns (negated, in lower case), the key type, the key blob and the marker', () => {
    const byLine = new Map(plain.map((entry) => [entry.line, entry]));
    expect(byLine.get(4)).toEqual({
      line: 4,
      hosts: { kind: 'patterns', patterns: [{ negated: false, glob: '192.0.2.10' }] },
      keyType: 'ecdsa-sha2-nistp256',
      key: keyBlob('web-ecdsa'),
    });
    expect(byLine.get(8)?.hosts).toEqual({
      kind: 'patterns',
      patterns: [
        { negated: false, glob: '*.cluster.example.com' },
        { negated: true, glob: 'bastion.cluster.example.com' },
      ],
    });
    expect(byLine.get(10)?.hosts).toEqual({
      kind: 'patterns',
      patterns: [{ negated: false, glob: 'mixed.case.example.com' }],
    });
    expect([16, 17, 18].map((line) => byLine.get(line)?.marker)).toEqual([
      'revoked',
      undefined,
      'cert-authority',
    ]);
  });

  it('reads a hashed name as its salt and HMAC-SHA1 (20 bytes each)', () => {
    const first = hashed[0]!.hosts;
    expect(first.kind).toBe('hashed');
    if (first.kind !== 'hashed') return;
    expect([first.salt.length, first.hash.length]).toEqual([20, 20]);
    const malformed = [
      '|1|c2FsdA==|aGFzaA==',
      '|2|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      '|1|x',
    ];
    const key = fixtureText('web-ed25519.pub').split(' ').slice(0, 2).join(' ');
    expect(parseKnownHosts(malformed.map((hosts) => `${hosts} ${key}`).join('\n'))).toEqual([]);
  });

  it('reads a file with CRLF line ends as the same entries', () => {
    expect(parseKnownHosts(fixtureText('known_hosts').replaceAll('\n', '\r\n'))).toEqual(plain);
  });

  it('never throws, and keeps only lines whose key blob is of the type they name (property)', () => {
    const lines = fixtureText('known_hosts').split('\n');
    const fragment = fc.oneof(
      fc.constantFrom(...lines, ...lines.flatMap((line) => line.split(/[ \t]/))),
      fc.string({ maxLength: 20 }),
      fc.constantFrom(' ', '\t', '@revoked ', '|1|', ',', '!', '#'),
    );
    const text = fc.oneof(
      fc.string(),
      fc.array(
        fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join('')),
        { maxLength: 8 },
      ),
    );
    fc.assert(
      fc.property(text, (input) => {
        const textInput = Array.isArray(input) ? input.join('\n') : input;
        const lineCount = textInput.split('\n').length;
        for (const entry of parseKnownHosts(textInput)) {
          expect(entry.line).toBeGreaterThanOrEqual(1);
          expect(entry.line).toBeLessThanOrEqual(lineCount);
          expect(hostKeyType(entry.key)).toBe(entry.keyType);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** host, port, the key offered, what the fixture known_hosts says of it. */
type Case = [string, number, KeyName, HostKeyVerdict];

describe('judgeHostKey with the fixture known_hosts', () => {
  it.each<Case>([
    ['web1.example.com', 22, 'web-ed25519', { kind: 'known', line: 3 }],
    ['WEB1.Example.COM', 22, 'web-ed25519', { kind: 'known', line: 3 }],
    ['web1.example.com', 2222, 'web-ed25519', { kind: 'unknown' }],
    ['192.0.2.10', 22, 'web-ecdsa', { kind: 'known', line: 4 }],
    ['web2.example.com', 2222, 'web-ed25519', { kind: 'known', line: 5 }],
    ['web2.example.com', 22, 'web-ed25519', { kind: 'unknown' }],
    ['web22.example.com', 22, 'web-ed25519', { kind: 'unknown' }],
    ['web3.example.com', 22, 'web-rsa', { kind: 'known', line: 7 }],
    ['web3', 22, 'web-rsa', { kind: 'known', line: 7 }],
    ['198.51.100.3', 22, 'web-rsa', { kind: 'known', line: 7 }],
    ['a.cluster.example.com', 22, 'web-ecdsa', { kind: 'known', line: 8 }],
    ['bastion.cluster.example.com', 22, 'web-ecdsa', { kind: 'unknown' }],
    ['db1.example.com', 22, 'web-rsa', { kind: 'known', line: 9 }],
    ['db12.example.com', 22, 'web-rsa', { kind: 'unknown' }],
    ['mixed.case.example.com', 22, 'web-ed25519', { kind: 'known', line: 10 }],
    ['web4.example.com', 22, 'web-ed25519', { kind: 'unknown' }],
    ['web5.example.com', 22, 'web-ed25519', { kind: 'unknown' }],
    ['revoked.example.com', 22, 'revoked-ed25519', { kind: 'revoked', line: 16 }],
    ['anything.test', 2222, 'revoked-ed25519', { kind: 'revoked', line: 16 }],
    ['ca.example.com', 22, 'ca-ed25519', { kind: 'unknown' }],
    ['rotated.example.com', 22, 'web-ed25519', { kind: 'changed', line: 19, knownKeyType: 'ssh-ed25519' }],
    ['rsa-only.example.com', 22, 'web-ed25519', { kind: 'changed', line: 20, knownKeyType: 'ssh-rsa' }],
    ['two-keys.example.com', 22, 'web-rsa', { kind: 'known', line: 21 }],
    ['two-keys.example.com', 22, 'web-ed25519', { kind: 'known', line: 22 }],
    ['two-keys.example.com', 22, 'other-ed25519', { kind: 'changed', line: 22, knownKeyType: 'ssh-ed25519' }],
    ['two-keys.example.com', 22, 'web-ecdsa', { kind: 'changed', line: 21, knownKeyType: 'ssh-rsa' }],
    ['nothing.test', 22, 'web-ed25519', { kind: 'unknown' }],
  ])('%s port %i offering %s', (host, port, key, verdict) => {
    expect(judgeHostKey(plain, host, port, keyBlob(key))).toEqual(verdict);
  });
});

describe('judgeHostKey with the known_hosts hashed by ssh-keygen -H', () => {
  it.each<Case>([
    ['hashed.example.com', 22, 'web-ed25519', { kind: 'known', line: 1 }],
    ['HASHED.example.com', 22, 'web-ed25519', { kind: 'known', line: 1 }],
    ['hashed.example.com', 22, 'other-ed25519', { kind: 'changed', line: 1, knownKeyType: 'ssh-ed25519' }],
    ['hashed.example.com', 2200, 'web-ecdsa', { kind: 'known', line: 2 }],
    [
      'hashed.example.com',
      2200,
      'web-ed25519',
      { kind: 'changed', line: 2, knownKeyType: 'ecdsa-sha2-nistp256' },
    ],
    ['hashed.example.com', 2222, 'web-ecdsa', { kind: 'unknown' }],
    ['hashed-multi.example.com', 22, 'web-rsa', { kind: 'known', line: 3 }],
    ['203.0.113.7', 22, 'web-rsa', { kind: 'known', line: 4 }],
    ['a.wild.example.com', 22, 'web-ed25519', { kind: 'known', line: 5 }],
    ['hashed-revoked.example.com', 22, 'revoked-ed25519', { kind: 'revoked', line: 6 }],
    ['hashed-ca.example.com', 22, 'ca-ed25519', { kind: 'unknown' }],
  ])('%s port %i offering %s', (host, port, key, verdict) => {
    expect(judgeHostKey(hashed, host, port, keyBlob(key))).toEqual(verdict);
  });
});

describe('judgeHostKey (properties)', () => {
  const label = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'),
    minLength: 1,
    maxLength: 10,
  });
  const hostName = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
  const port = fc.oneof(fc.constant(22), fc.integer({ min: 1, max: 65_535 }));
  const ed25519 = fixtureText('web-ed25519.pub').split(' ').slice(0, 2).join(' ');

  it('a line naming the host, plain or hashed, in any case, knows its key; `!` takes it back', () => {
    fc.assert(
      fc.property(hostName, port, fc.boolean(), (host, hostPort, upper) => {
        const name = knownHostsName(host, hostPort);
        const salt = randomBytes(20);
        const hash = createHmac('sha1', salt).update(name).digest();
        const lines = [
          `${upper ? name.toUpperCase() : name} ${ed25519}`,
          `|1|${salt.toString('base64')}|${hash.toString('base64')} ${ed25519}`,
          `*,!${name} ${ed25519}`,
        ];
        const asked = upper ? host : host.toUpperCase();
        const verdicts = lines.map((line) =>
          judgeHostKey(parseKnownHosts(line), asked, hostPort, keyBlob('web-ed25519')),
        );
        expect(verdicts).toEqual([
          { kind: 'known', line: 1 },
          { kind: 'known', line: 1 },
          { kind: 'unknown' },
        ]);
      }),
      { numRuns: RUNS / 10 },
    );
  });

  it('a revoked key stays revoked and a known one known, wherever their lines are', () => {
    const fixtureLines = fixtureText('known_hosts').split('\n');
    fc.assert(
      fc.property(fc.shuffledSubarray(fixtureLines, { minLength: fixtureLines.length }), (shuffled) => {
        const entries = parseKnownHosts(shuffled.join('\n'));
        const revokedLine = shuffled.indexOf(fixtureLines[15]!) + 1;
        expect(judgeHostKey(entries, 'revoked.example.com', 22, keyBlob('revoked-ed25519'))).toEqual({
          kind: 'revoked',
          line: revokedLine,
        });
        expect(judgeHostKey(entries, 'two-keys.example.com', 22, keyBlob('web-ed25519')).kind).toBe('known');
        expect(judgeHostKey(entries, 'two-keys.example.com', 22, keyBlob('web-ecdsa')).kind).toBe('changed');
      }),
      { numRuns: RUNS / 10 },
    );
  });
});

describe('knownKeyTypes', () => {
  it.each<[string, number, string[]]>([
    ['two-keys.example.com', 22, ['ssh-rsa', 'ssh-ed25519']],
    ['web2.example.com', 2222, ['ssh-ed25519']],
    ['a.cluster.example.com', 22, ['ecdsa-sha2-nistp256']],
    ['web2.example.com', 22, []], // only the @cert-authority and @revoked lines name it
    ['nothing.test', 22, []],
  ])('%s port %i: %j', (host, port, types) => {
    expect(knownKeyTypes(plain, host, port)).toEqual(types);
  });

  it('reads hashed names too', () => {
    expect(knownKeyTypes(hashed, 'hashed.example.com', 2200)).toEqual(['ecdsa-sha2-nistp256']);
  });
});

describe('knownHostsName', () => {
  it.each<[string, number, string]>([
    ['web1', 22, 'web1'],
    ['web1', 2222, '[web1]:2222'],
    ['Web1.Example.COM', 22, 'web1.example.com'],
    ['::1', 22, '::1'],
    ['::1', 2222, '[::1]:2222'],
  ])('%s port %i → %s', (host, port, name) => {
    expect(knownHostsName(host, port)).toBe(name);
  });
});

describe('hostKeyFingerprint and hostKeyType', () => {
  const printed = new Map(
    fixtureText('fingerprints.txt')
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([, fingerprint, name]) => [name!, fingerprint!]),
  );

  it.each(KEY_NAMES)('%s: as ssh-keygen -l -E sha256 printed it, and the type of its .pub', (name) => {
    expect(hostKeyFingerprint(keyBlob(name))).toBe(printed.get(name));
    expect(hostKeyType(keyBlob(name))).toBe(fixtureText(`${name}.pub`).split(' ')[0]);
  });

  it.each([
    ['too short for a length', Buffer.alloc(3)],
    ['a length past the end', Buffer.from([0, 0, 0, 9, 0x73, 0x73, 0x68])],
    ['an empty type', Buffer.alloc(8)],
  ])('hostKeyType throws a bug (E_INTERNAL) on %s', (_what, blob) => {
    expect(() => hostKeyType(blob)).toThrow(InternalError);
  });
});
