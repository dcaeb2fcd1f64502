/**
 * Log4j 2's JSON and YAML configurations, read with the yaml package. A module of its own so
 * that the package is loaded only when a WAR carries such a file (see readLoggingConfig).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ignoringCase } from '../xml.js';
import {
  LOG4J2_FILE_APPENDERS,
  LOG4J2_FILE_ATTRIBUTES,
  type LogFileTarget,
  type LoggingConfigResult,
} from './logging-config.js';

/**
 * Log4j 2's JSON and YAML configurations: one tree, read with the yaml package (JSON is YAML
 * 1.2), which keeps the lines. `Configuration.Properties.Property` holds the properties;
 * under `Appenders`, a key names a plugin (`RollingFile: {...}` or a list of them), or a map
 * has a `type`.
 */
export function log4j2Tree(format: 'log4j2-json' | 'log4j2-yaml', data: Buffer): LoggingConfigResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(data.toString('utf8'), {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const error = document.errors[0];
  if (error !== undefined) return { ok: false, kind: 'bad-yaml', reason: error.message };
  const lineOf = (node: YamlNode) =>
    node.range == null ? undefined : lineCounter.linePos(node.range[0]).line;
  const configuration = entryIgnoringCase(document.contents, 'configuration') ?? document.contents;
  const properties = new Map<string, string>();
  const listed = entryIgnoringCase(entryIgnoringCase(configuration, 'properties'), 'property');
  for (const property of isSeq(listed) ? listed.items : [listed]) {
    const name = scalarText(entryIgnoringCase(property, 'name'));
    const value = scalarText(entryIgnoringCase(property, 'value'));
    if (name !== undefined && value !== undefined) properties.set(name, value);
  }
  const targets: LogFileTarget[] = [];
  const visit = (node: unknown, key: string | undefined) => {
    if (isSeq(node)) {
      for (const item of node.items) visit(item, key);
      return;
    }
    if (!isMap(node)) return;
    const type =
      key === undefined || ignoringCase(key, 'appender') ? scalarText(entryIgnoringCase(node, 'type')) : key;
    if (type !== undefined && LOG4J2_FILE_APPENDERS.has(type.toLowerCase())) {
      const appender = `${type} ${scalarText(entryIgnoringCase(node, 'name')) ?? ''}`.trim();
      for (const pair of node.items) {
        const attribute = scalarText(pair.key);
        const value = pair.value;
        if (attribute === undefined || !isScalar(value) || typeof value.value !== 'string') continue;
        if (LOG4J2_FILE_ATTRIBUTES.some((name) => ignoringCase(name, attribute)))
          targets.push({ appender, fileName: value.value, line: lineOf(value) });
      }
    }
    for (const pair of node.items) {
      const childKey = scalarText(pair.key);
      if (childKey !== undefined) visit(pair.value, childKey);
    }
  };
  visit(entryIgnoringCase(configuration, 'appenders'), undefined);
  return { ok: true, config: { format, dialect: 'log4j2', targets, properties } };
}

function entryIgnoringCase(node: unknown, key: string): unknown {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => {
    const name = scalarText(pair.key);
    return name !== undefined && ignoringCase(name, key);
  })?.value;
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : undefined;
}
