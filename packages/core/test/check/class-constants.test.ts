import { describe, expect, it } from 'vitest';
import { readClassFile } from '@tomcat-pd/testkit/class-files';
import {
  readClassConstants,
  type ClassConstants,
  type ClassReadResult,
} from '../../src/check/class-constants.js';

const u1 = (value: number) => Buffer.from([value]);
const u2 = (value: number) => {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
};
const utf8 = (bytes: Buffer | string) => {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return Buffer.concat([u1(1), u2(data.length), data]);
};
const classRef = (nameIndex: number) => Buffer.concat([u1(7), u2(nameIndex)]);

/** A class file with this constant pool (`count` = slots + 1, as in the file) and nothing else. */
function classFile(pool: Buffer[], count: number, thisClass: number): Buffer {
  return Buffer.concat([
    Buffer.from([0xca, 0xfe, 0xba, 0xbe]),
    u2(0),
    u2(55),
    u2(count),
    ...pool,
    u2(0x21), // access_flags
    u2(thisClass),
    u2(0), // super_class
    u2(0), // interfaces
    u2(0), // fields
    u2(0), // methods
    u2(0), // attributes
  ]);
}

function constantsOf(result: ClassReadResult): ClassConstants {
  if (!result.ok) throw new Error(`expected a readable class, got ${result.problem}: ${result.detail}`);
  return result.constants;
}

describe('readClassConstants on classes compiled by javac', () => {
  // Committed javac output (packages/testkit/class-files/README.md): test/class-files.test.ts
  // compiles them again and compares every Class constant the reader finds with javap's.
  it('names the class and every class it refers to (longs, doubles, lambdas and indy string concatenation read past)', () => {
    const constants = constantsOf(readClassConstants(readClassFile('demo/Listener.class')));
    expect(constants.className).toBe('demo.Listener');
    expect(constants.classNames).toContain('java/net/ServerSocket');
    expect(constants.classNames).toContain('java/util/function/Supplier');
    expect(constants.classNames).not.toContain('java/nio/channels/ServerSocketChannel');
    expect(constants.methodRefs).toContainEqual({ owner: 'java/net/ServerSocket', name: 'getLocalPort' });
  });

  it('reads an inner class under its binary name', () => {
    const constants = constantsOf(readClassConstants(readClassFile('demo/Listener$Inner.class')));
    expect(constants.className).toBe('demo.Listener$Inner');
    expect(constants.classNames).toContain('java/nio/channels/ServerSocketChannel');
  });

  it('lists interface method references by name', () => {
    const constants = constantsOf(readClassConstants(readClassFile('demo/Links.class')));
    const names = constants.methodRefs.map((ref) => `${ref.owner}.${ref.name}`);
    expect(names).toContain('jakarta/servlet/http/HttpServletResponse.encodeURL');
    expect(names).toContain('jakarta/servlet/http/HttpServletResponse.encodeRedirectURL');
  });

  it('reads module-info.class (Module and Package constants)', () => {
    const constants = constantsOf(readClassConstants(readClassFile('module-info.class')));
    expect(constants.className).toBe('module-info');
  });

  it('reports every cut of a real class as truncated, never throwing', () => {
    const data = readClassFile('demo/Listener.class');
    // The constant pool, access flags and this_class end well before the methods' code.
    const problems = new Set<string>();
    for (let length = 0; length < data.length; length++) {
      const result = readClassConstants(data.subarray(0, length));
      if (!result.ok) problems.add(result.problem);
    }
    expect([...problems]).toEqual(['truncated']);
    expect(readClassConstants(data.subarray(0, 10))).toMatchObject({ ok: false, problem: 'truncated' });
  });
});

describe('readClassConstants on hand-built bytes', () => {
  it('reads a minimal class', () => {
    const data = classFile([utf8('a/B'), classRef(1)], 3, 2);
    expect(constantsOf(readClassConstants(data))).toEqual({
      className: 'a.B',
      classNames: ['a/B'],
      methodRefs: [],
    });
  });

  it('skips the second slot of a Long and of a Double', () => {
    const long = Buffer.concat([u1(5), Buffer.alloc(8, 0x01)]);
    const double = Buffer.concat([u1(6), Buffer.alloc(8, 0x07)]);
    // Slots: 1-2 Long, 3-4 Double, 5 Utf8, 6 Class. A reader that took one slot each would
    // read the Utf8 as constant 3 and find no Class at 6.
    const data = classFile([long, double, utf8('x/Y'), classRef(5)], 7, 6);
    expect(constantsOf(readClassConstants(data)).className).toBe('x.Y');
  });

  it('reads every fixed-size tag', () => {
    const fixed = [
      Buffer.concat([u1(3), Buffer.alloc(4)]), // 1 Integer
      Buffer.concat([u1(4), Buffer.alloc(4)]), // 2 Float
      Buffer.concat([u1(8), u2(9)]), // 3 String
      Buffer.concat([u1(9), u2(10), u2(11)]), // 4 Fieldref
      Buffer.concat([u1(15), u1(1), u2(4)]), // 5 MethodHandle
      Buffer.concat([u1(16), u2(12)]), // 6 MethodType
      Buffer.concat([u1(17), u2(0), u2(11)]), // 7 Dynamic
      Buffer.concat([u1(18), u2(0), u2(11)]), // 8 InvokeDynamic
      utf8('p/Q'), // 9
      classRef(9), // 10
      Buffer.concat([u1(12), u2(12), u2(12)]), // 11 NameAndType
      utf8('()V'), // 12
      Buffer.concat([u1(19), u2(9)]), // 13 Module
      Buffer.concat([u1(20), u2(9)]), // 14 Package
    ];
    expect(constantsOf(readClassConstants(classFile(fixed, 15, 10))).className).toBe('p.Q');
  });

  it('lists a method reference with its owner', () => {
    const pool = [
      utf8('a/Caller'), // 1
      classRef(1), // 2
      utf8('java/net/ServerSocket'), // 3
      classRef(3), // 4
      utf8('accept'), // 5
      utf8('()Ljava/net/Socket;'), // 6
      Buffer.concat([u1(12), u2(5), u2(6)]), // 7 NameAndType
      Buffer.concat([u1(10), u2(4), u2(7)]), // 8 Methodref
    ];
    const constants = constantsOf(readClassConstants(classFile(pool, 9, 2)));
    expect(constants.classNames).toEqual(['a/Caller', 'java/net/ServerSocket']);
    expect(constants.methodRefs).toEqual([{ owner: 'java/net/ServerSocket', name: 'accept' }]);
  });

  it('decodes modified UTF-8: C0 80 for NUL, a supplementary character as two 3-byte surrogates', () => {
    const name = Buffer.from([0x61, 0xc0, 0x80, 0xc3, 0xa9, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
    const data = classFile([utf8(name), classRef(1)], 3, 2);
    expect(constantsOf(readClassConstants(data)).className).toBe('a\u0000é\u{1F600}');
  });

  it('refuses what is not a class', () => {
    expect(readClassConstants(Buffer.from('PK\u0003\u0004 not a class'))).toMatchObject({
      ok: false,
      problem: 'not-a-class',
    });
    expect(readClassConstants(Buffer.alloc(0))).toMatchObject({ ok: false, problem: 'truncated' });
  });

  it('stops at an unknown tag (2, 13 and 14 are unused)', () => {
    for (const tag of [0, 2, 13, 14, 21, 255]) {
      const result = readClassConstants(classFile([utf8('a/B'), Buffer.from([tag, 0, 0, 0, 0])], 3, 1));
      expect(result).toMatchObject({ ok: false, problem: 'unknown-tag' });
    }
  });

  it('stops at an index that points to the wrong kind of constant, or outside the pool', () => {
    // this_class names the Utf8 itself, not a Class.
    expect(readClassConstants(classFile([utf8('a/B'), classRef(1)], 3, 1))).toMatchObject({
      ok: false,
      problem: 'bad-index',
    });
    // A Class pointing to itself, and one pointing past the end.
    expect(readClassConstants(classFile([classRef(1)], 2, 1))).toMatchObject({
      ok: false,
      problem: 'bad-index',
    });
    expect(readClassConstants(classFile([classRef(40)], 2, 1))).toMatchObject({
      ok: false,
      problem: 'bad-index',
    });
  });

  it('stops at a malformed Utf8 a Class names', () => {
    for (const bytes of [[0xff], [0x00], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80]]) {
      const result = readClassConstants(classFile([utf8(Buffer.from(bytes)), classRef(1)], 3, 2));
      expect(result).toMatchObject({ ok: false, problem: 'bad-utf8' });
    }
  });

  it('stops when the pool claims more constants than the file holds', () => {
    const header = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 55]);
    const data = Buffer.concat([header, u2(5), utf8('a/B'), classRef(1)]);
    expect(readClassConstants(data)).toMatchObject({ ok: false, problem: 'truncated' });
  });
});
