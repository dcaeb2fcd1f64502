import { describe, expect, it } from 'vitest';
import {
  attributeIgnoringCase,
  childrenNamed,
  descendants,
  parseXml,
  type XmlElement,
} from '../../src/check/xml.js';

function root(text: string | Buffer): XmlElement {
  const result = parseXml(text);
  if (!result.ok) throw new Error(`expected XML, got ${result.reason}`);
  return result.root;
}

describe('parseXml', () => {
  it('gives local names, attributes, text and the line of each start tag', () => {
    const doc = root(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<!-- <not-an-element/> -->\n' +
        '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n' +
        '         xsi:schemaLocation="a b" version="6.0">\n' +
        '  <session-config>\n' +
        '    <tracking-mode>  COOKIE </tracking-mode>\n' +
        '    <cookie-config><path>/a&amp;b</path></cookie-config>\n' +
        '  </session-config>\n' +
        '  <j:x xmlns:j="urn:j" j:attr="1" plain=\'2\'><![CDATA[<raw>]]></j:x>\n' +
        '</web-app>\n',
    );
    expect(doc.name).toBe('web-app');
    expect(doc.line).toBe(3);
    expect(doc.attributes).toEqual({ schemaLocation: 'a b', version: '6.0' });
    const [config, x] = doc.children;
    expect(config).toMatchObject({ name: 'session-config', line: 5 });
    expect(childrenNamed(config!, 'tracking-mode')[0]).toMatchObject({ text: 'COOKIE', line: 6 });
    expect([...descendants(config!)].map((element) => [element.name, element.line])).toEqual([
      ['tracking-mode', 6],
      ['cookie-config', 7],
      ['path', 7],
    ]);
    expect([...descendants(doc)].find((element) => element.name === 'path')?.text).toBe('/a&b');
    expect(x).toMatchObject({ name: 'x', attributes: { attr: '1', plain: '2' }, text: '<raw>', line: 9 });
  });

  it('reads a Servlet 2.3 descriptor with its DOCTYPE, and a UTF-8 byte order mark', () => {
    const text =
      '\ufeff<?xml version="1.0"?>\n<!DOCTYPE web-app PUBLIC "-//Sun Microsystems, Inc.//DTD Web Application 2.3//EN"' +
      ' "http://java.sun.com/dtd/web-app_2_3.dtd">\n<web-app><display-name>old</display-name></web-app>';
    const doc = root(Buffer.from(text, 'utf8'));
    expect(doc.children[0]).toMatchObject({ name: 'display-name', text: 'old', line: 3 });
  });

  it('refuses what is not well-formed, with the line when the parser knows it', () => {
    expect(parseXml('<a>\n<b></a>')).toMatchObject({ ok: false, line: 2 });
    expect(parseXml('<a x="1" x="2"/>')).toMatchObject({ ok: false });
    expect(parseXml('<a/><b/>')).toMatchObject({ ok: false });
    expect(parseXml('')).toMatchObject({ ok: false });
    expect(parseXml('just text')).toMatchObject({ ok: false });
    expect(parseXml('<a')).toMatchObject({ ok: false });
  });

  it('finds attributes ignoring case, as log4j2 does', () => {
    const element = root('<RollingFile fileName="a.log" FILEPATTERN="b.log"/>');
    expect(attributeIgnoringCase(element, 'filename')).toBe('a.log');
    expect(attributeIgnoringCase(element, 'filePattern')).toBe('b.log');
    expect(attributeIgnoringCase(element, 'name')).toBeUndefined();
  });
});
