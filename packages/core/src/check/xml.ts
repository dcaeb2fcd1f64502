/**
 * XML descriptors (web.xml, META-INF/context.xml, log4j2 and logback configurations) as a small
 * element tree with line numbers, read by fast-xml-parser. Pure.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** The local name, without a namespace prefix (`web-app`, `Context`). */
  name: string;
  /** By local name, entities decoded; namespace declarations are left out. */
  attributes: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** The element's own text, trimmed (CDATA included). */
  text: string;
  /** 1-based line of the start tag. */
  line: number;
}

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; line?: number; reason: string };

const ATTRIBUTES = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
});

// Typed `Symbol` (the wrapper) by the package; it is a symbol.
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type RawNode = Record<string | symbol, unknown>;

/** Parses one document; anything that is not well-formed XML is a failure, never a partial tree. */
export function parseXml(data: Buffer | string): XmlResult {
  // TextDecoder drops a UTF-8 byte order mark, which the parser would take for text.
  const text = typeof data === 'string' ? data : new TextDecoder('utf-8').decode(data);
  // The parser builds a tree from badly nested tags too (`<a><b></a>`): validate first.
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, line: valid.err.line, reason: valid.err.msg };
  let nodes: RawNode[];
  try {
    nodes = parser.parse(text) as RawNode[];
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const lineAt = lineIndex(text);
  const roots = nodes.map((node) => toElement(node, lineAt)).filter((element) => element !== undefined);
  // The validator lets `<a/><b/>` through.
  if (roots.length > 1)
    return { ok: false, line: roots[1]!.line, reason: 'it has more than one root element' };
  return roots[0] === undefined
    ? { ok: false, reason: 'it has no root element' }
    : { ok: true, root: roots[0] };
}

function toElement(node: RawNode, lineAt: (index: number) => number): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ATTRIBUTES);
  if (name === undefined || name === TEXT || name.startsWith('?') || name.startsWith('!')) return undefined;
  const content = Array.isArray(node[name]) ? (node[name] as RawNode[]) : [];
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(
    (node[ATTRIBUTES] as Record<string, unknown> | undefined) ?? {},
  )) {
    if (key !== 'xmlns') attributes[key] = String(value);
  }
  const children: XmlElement[] = [];
  const texts: string[] = [];
  for (const child of content) {
    if (TEXT in child) texts.push(String(child[TEXT]));
    const element = toElement(child, lineAt);
    if (element !== undefined) children.push(element);
  }
  const meta = node[META] as { startIndex?: number } | undefined;
  return { name, attributes, children, text: texts.join('').trim(), line: lineAt(meta?.startIndex ?? 0) };
}

/** index in `text` → its 1-based line, by a binary search over the line starts. */
function lineIndex(text: string): (index: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (index) => {
    let [low, high] = [0, starts.length - 1];
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

/** The direct children named `name` (compared as `equals` says; default: exactly). */
export function childrenNamed(
  element: XmlElement,
  name: string,
  equals: (a: string, b: string) => boolean = (a, b) => a === b,
): XmlElement[] {
  return element.children.filter((child) => equals(child.name, name));
}

/** Every element below `element`, depth first, in document order. */
export function* descendants(element: XmlElement): Generator<XmlElement> {
  for (const child of element.children) {
    yield child;
    yield* descendants(child);
  }
}

export const ignoringCase = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** An attribute whose name matches `name` ignoring case (log4j2 reads plugin attributes so). */
export function attributeIgnoringCase(element: XmlElement, name: string): string | undefined {
  const key = Object.keys(element.attributes).find((candidate) => ignoringCase(candidate, name));
  return key === undefined ? undefined : element.attributes[key];
}
