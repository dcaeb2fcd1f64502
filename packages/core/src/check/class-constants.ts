/**
 * Reads the constant pool of a Java class file (JVMS §4.1, §4.4): the classes it names and the
 * methods it calls, which is all the checklist needs to know of compiled code. Pure; never
 * throws on bad input: a file that is not a class, is cut short or holds a constant this reader
 * does not know is a typed {@link ClassReadFailure}.
 */

/** What the constant pool tells of one class. */
export interface ClassConstants {
  /** `this_class`, dotted: `com.acme.Listener`, `com.acme.Outer$Inner`. */
  className: string;
  /** Every CONSTANT_Class, in the internal form (`java/net/ServerSocket`, `[Ljava/lang/String;`). */
  classNames: string[];
  /** Every CONSTANT_Methodref and CONSTANT_InterfaceMethodref: the owner (internal form) and the method's name. */
  methodRefs: { owner: string; name: string }[];
}

/** `not-a-class`: no 0xCAFEBABE; `truncated`: the bytes end inside the header or a constant; the rest: a pool this reader cannot trust. */
export type ClassReadProblem = 'not-a-class' | 'truncated' | 'unknown-tag' | 'bad-index' | 'bad-utf8';

export interface ClassReadFailure {
  problem: ClassReadProblem;
  /** In words, with the offset where reading stopped. */
  detail: string;
}

export type ClassReadResult = { ok: true; constants: ClassConstants } | ({ ok: false } & ClassReadFailure);

const MAGIC = 0xcafebabe;

/** The constant pool tags (JVMS Table 4.4-B) and the bytes that follow each tag, when fixed. */
const TAG = {
  utf8: 1,
  integer: 3,
  float: 4,
  long: 5,
  double: 6,
  class: 7,
  string: 8,
  fieldref: 9,
  methodref: 10,
  interfaceMethodref: 11,
  nameAndType: 12,
  methodHandle: 15,
  methodType: 16,
  dynamic: 17,
  invokeDynamic: 18,
  module: 19,
  package: 20,
} as const;

const TAG_NAME: Readonly<Record<number, string>> = {
  [TAG.utf8]: 'Utf8',
  [TAG.class]: 'Class',
  [TAG.nameAndType]: 'NameAndType',
};

const FIXED_SIZE: Readonly<Record<number, number>> = {
  [TAG.integer]: 4,
  [TAG.float]: 4,
  [TAG.long]: 8,
  [TAG.double]: 8,
  [TAG.class]: 2,
  [TAG.string]: 2,
  [TAG.fieldref]: 4,
  [TAG.methodref]: 4,
  [TAG.interfaceMethodref]: 4,
  [TAG.nameAndType]: 4,
  [TAG.methodHandle]: 3,
  [TAG.methodType]: 2,
  [TAG.dynamic]: 4,
  [TAG.invokeDynamic]: 4,
  [TAG.module]: 2,
  [TAG.package]: 2,
};

/**
 * One slot of the pool: for a Utf8, where its bytes are (decoded only when a Class or a
 * NameAndType names it: most are string literals nobody asks for); for the others, their first
 * two u2 (the indexes a Class, a Methodref or a NameAndType points to). The slot after a Long or
 * Double stays empty (JVMS §4.4.5).
 */
interface Slot {
  tag: number;
  first: number;
  second: number;
}

class Stop extends Error {
  constructor(readonly failure: ClassReadFailure) {
    super(failure.detail);
  }
}

const stop = (problem: ClassReadProblem, detail: string): never => {
  throw new Stop({ problem, detail });
};

export function readClassConstants(data: Uint8Array): ClassReadResult {
  try {
    return { ok: true, constants: read(data) };
  } catch (error) {
    if (error instanceof Stop) return { ok: false, ...error.failure };
    throw error;
  }
}

function read(data: Uint8Array): ClassConstants {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  const need = (bytes: number, what: string) => {
    if (at + bytes > data.byteLength)
      stop('truncated', `the file ends at byte ${data.byteLength} inside ${what}`);
  };
  const u2 = (what: string) => {
    need(2, what);
    const value = view.getUint16(at);
    at += 2;
    return value;
  };
  need(4, 'the magic number');
  if (view.getUint32(0) !== MAGIC) stop('not-a-class', 'it does not start with 0xCAFEBABE');
  need(8, 'the version');
  at = 8; // magic, minor_version, major_version
  const count = u2('the constant pool count');
  const pool: (Slot | undefined)[] = new Array<Slot | undefined>(count);
  for (let index = 1; index < count; index++) {
    need(1, `constant ${index}`);
    const start = at;
    const tag = data[at]!;
    at += 1;
    if (tag === TAG.utf8) {
      const length = u2(`the length of constant ${index}`);
      need(length, `constant ${index}`);
      pool[index] = { tag, first: at, second: length };
      at += length;
      continue;
    }
    const size = FIXED_SIZE[tag];
    if (size === undefined)
      return stop('unknown-tag', `constant ${index} at byte ${start} has the unknown tag ${tag}`);
    need(size, `constant ${index}`);
    pool[index] = { tag, first: view.getUint16(at), second: size >= 4 ? view.getUint16(at + 2) : 0 };
    at += size;
    if (tag === TAG.long || tag === TAG.double) index++;
  }
  u2('the access flags');
  const thisClass = u2('this_class');

  const slotOf = (index: number, tag: number, what: string): Slot => {
    const slot = pool[index];
    if (slot === undefined || slot.tag !== tag)
      return stop('bad-index', `${what} points to constant ${index}, which is not a ${TAG_NAME[tag]}`);
    return slot;
  };
  const utf8 = (index: number, what: string) => {
    const slot = slotOf(index, TAG.utf8, what);
    return decodeModifiedUtf8(data.subarray(slot.first, slot.first + slot.second), slot.first - 3);
  };
  const classAt = (index: number, what: string) =>
    utf8(slotOf(index, TAG.class, what).first, `the Class at ${index}`);

  const classNames: string[] = [];
  const methodRefs: { owner: string; name: string }[] = [];
  for (let index = 1; index < count; index++) {
    const slot = pool[index];
    if (slot === undefined) continue;
    if (slot.tag === TAG.class) classNames.push(utf8(slot.first, `the Class at ${index}`));
    if (slot.tag === TAG.methodref || slot.tag === TAG.interfaceMethodref) {
      const what = `the method reference at ${index}`;
      const owner = classAt(slot.first, what);
      const nameAndType = slotOf(slot.second, TAG.nameAndType, what);
      methodRefs.push({ owner, name: utf8(nameAndType.first, `the NameAndType at ${slot.second}`) });
    }
  }
  const className = classAt(thisClass, 'this_class').replaceAll('/', '.');
  return { className, classNames, methodRefs };
}

/**
 * Java's "modified UTF-8" (JVMS §4.4.7): no 4-byte forms (a supplementary character is two
 * 3-byte surrogates, which decode to the same UTF-16 pair a JS string holds), NUL as C0 80, and
 * no byte 0 or F0-FF.
 */
function decodeModifiedUtf8(bytes: Uint8Array, at = 0): string {
  if (bytes.every((byte) => byte !== 0 && byte < 0x80))
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const units: number[] = [];
  const bad = (i: number): never =>
    stop('bad-utf8', `the Utf8 constant at byte ${at} is malformed at its byte ${i}`);
  const continuation = (i: number): number => {
    const byte = bytes[i];
    if (byte === undefined || (byte & 0xc0) !== 0x80) bad(i);
    return byte! & 0x3f;
  };
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i]!;
    if (byte !== 0 && byte < 0x80) {
      units.push(byte);
      i += 1;
    } else if ((byte & 0xe0) === 0xc0) {
      units.push(((byte & 0x1f) << 6) | continuation(i + 1));
      i += 2;
    } else if ((byte & 0xf0) === 0xe0) {
      units.push(((byte & 0x0f) << 12) | (continuation(i + 1) << 6) | continuation(i + 2));
      i += 3;
    } else {
      bad(i);
    }
  }
  let text = '';
  // In slices: String.fromCharCode(...units) of a long constant would overflow the call stack.
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.slice(i, i + 8192));
  return text;
}
