import { describe, expect, it } from 'vitest';
import { contextXmlFindings } from '../../../src/check/rules/context-xml.js';
import { parseXml, type XmlElement } from '../../../src/check/xml.js';

function context(text: string): XmlElement {
  const result = parseXml(text);
  if (!result.ok) throw new Error(result.reason);
  return result.root;
}

const ids = (text: string) => contextXmlFindings(context(text)).map((finding) => finding.id);

describe('contextXmlFindings', () => {
  it('finds nothing in a plain Context', () => {
    expect(
      contextXmlFindings(context('<Context reloadable="false"><Manager pathname=""/></Context>')),
    ).toEqual([]);
  });

  it.each([
    ['<Context path="/shop"/>', 'context-path'],
    ['<Context antiResourceLocking="true"/>', 'context-anti-resource-locking'],
    ['<Context AntiResourceLocking="TRUE"/>', 'context-anti-resource-locking'],
    ['<Context workDir="/var/tmp/shop"/>', 'context-work-dir'],
    ['<Context docBase="/srv/shop"/>', 'context-doc-base'],
  ])('%s: %s, a warning at the Context', (text, id) => {
    expect(contextXmlFindings(context(`<?xml version="1.0"?>\n${text}`))).toMatchObject([
      { id, severity: 'warning', locations: [{ file: 'META-INF/context.xml', line: 2 }] },
    ]);
  });

  it('leaves out antiResourceLocking="false", an empty workDir, and a root that is not Context', () => {
    expect(ids('<Context antiResourceLocking="false" workDir=" "/>')).toEqual([]);
    expect(ids('<context path="/x"/>')).toEqual([]);
  });

  it('lists each attribute once, in a fixed order', () => {
    expect(ids('<Context docBase="d" workDir="w" antiResourceLocking="true" path="/p"/>')).toEqual([
      'context-path',
      'context-anti-resource-locking',
      'context-work-dir',
      'context-doc-base',
    ]);
  });
});
