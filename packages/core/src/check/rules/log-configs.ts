/**
 * The file names a logging configuration writes to, read from each format the WAR may carry:
 * Log4j 2 (XML, properties, JSON, YAML), Logback (XML) and JULI's logging.properties. Pure.
 * Console appenders write to no file and are never listed.
 */
import { parseProperties, propertyMap } from '../java-properties.js';
import {
  attributeIgnoringCase,
  childrenNamed,
  descendants,
  ignoringCase,
  parseXml,
  type XmlElement,
} from '../xml.js';
import {
  LOG4J2_FILE_APPENDERS,
  LOG4J2_FILE_ATTRIBUTES,
  type LogFileTarget,
  type LoggingConfig,
  type LoggingConfigResult,
  type LoggingFormat,
} from './logging-config.js';

/**
 * The format of a configuration file, by its name at the root of the class path (a file
 * directly in WEB-INF/classes or at the root of a jar), as each framework looks it up:
 * `log4j2[-test]*.{xml,properties,json,jsn,yaml,yml}` (not log4j2.component.properties, which
 * holds settings), `logback*.xml`, and JULI's `logging.properties`.
 */
export function loggingFormatOf(name: string): LoggingFormat | undefined {
  const lower = name.toLowerCase();
  if (lower === 'logging.properties') return 'juli';
  if (lower.startsWith('logback') && lower.endsWith('.xml')) return 'logback-xml';
  if (!lower.startsWith('log4j2') || lower === 'log4j2.component.properties') return undefined;
  const extension = lower.slice(lower.lastIndexOf('.') + 1);
  if (extension === 'xml') return 'log4j2-xml';
  if (extension === 'properties') return 'log4j2-properties';
  if (extension === 'json' || extension === 'jsn') return 'log4j2-json';
  if (extension === 'yaml' || extension === 'yml') return 'log4j2-yaml';
  return undefined;
}

/**
 * Reads a configuration of `format`. Asynchronous because the JSON and YAML reader and its
 * parser (the yaml package, half of the check's code) are loaded only for such a file: most
 * WARs have none, and every deploy runs the check (bench/RESULTS.md: start-up of a deploy).
 */
export async function readLoggingConfig(format: LoggingFormat, data: Buffer): Promise<LoggingConfigResult> {
  switch (format) {
    case 'log4j2-xml':
      return fromXml(data, log4j2Xml);
    case 'logback-xml':
      return fromXml(data, logbackXml);
    case 'log4j2-properties':
      return fromProperties(data, log4j2Properties);
    case 'juli':
      return fromProperties(data, juliProperties);
    case 'log4j2-json':
    case 'log4j2-yaml':
      return (await import('./log4j2-tree.js')).log4j2Tree(format, data);
  }
}

function fromXml(data: Buffer, read: (root: XmlElement) => LoggingConfig): LoggingConfigResult {
  const parsed = parseXml(data);
  if (!parsed.ok) return { ok: false, kind: 'bad-xml', reason: withLine(parsed.reason, parsed.line) };
  return { ok: true, config: read(parsed.root) };
}

function withLine(reason: string, line: number | undefined): string {
  return line === undefined ? reason : `line ${line}: ${reason}`;
}

function log4j2Xml(root: XmlElement): LoggingConfig {
  const properties = new Map<string, string>();
  for (const holder of childrenNamed(root, 'Properties', ignoringCase)) {
    for (const property of childrenNamed(holder, 'Property', ignoringCase)) {
      const name = attributeIgnoringCase(property, 'name');
      if (name !== undefined) properties.set(name, attributeIgnoringCase(property, 'value') ?? property.text);
    }
  }
  const targets: LogFileTarget[] = [];
  for (const element of descendants(root)) {
    // `<RollingFile>`, or the strict form `<Appender type="RollingFile">`.
    const type = ignoringCase(element.name, 'Appender')
      ? attributeIgnoringCase(element, 'type')
      : element.name;
    if (type === undefined || !LOG4J2_FILE_APPENDERS.has(type.toLowerCase())) continue;
    const appender = `${type} ${attributeIgnoringCase(element, 'name') ?? ''}`.trim();
    for (const attribute of LOG4J2_FILE_ATTRIBUTES) {
      const fileName = attributeIgnoringCase(element, attribute);
      if (fileName !== undefined) targets.push({ appender, fileName, line: element.line });
    }
  }
  return { format: 'log4j2-xml', dialect: 'log4j2', targets, properties };
}

function logbackXml(root: XmlElement): LoggingConfig {
  const properties = new Map<string, string>();
  const targets: LogFileTarget[] = [];
  for (const element of descendants(root)) {
    const name = element.name.toLowerCase();
    if (name === 'property' || name === 'variable') {
      const key = element.attributes.name;
      const value = element.attributes.value;
      if (key !== undefined && value !== undefined) properties.set(key, value);
    }
    if (name !== 'appender') continue;
    const appender = `${element.attributes.class ?? 'appender'} ${element.attributes.name ?? ''}`.trim();
    for (const inner of descendants(element)) {
      const innerName = inner.name.toLowerCase();
      if ((innerName === 'file' || innerName === 'filenamepattern') && inner.text !== '')
        targets.push({ appender, fileName: inner.text, line: inner.line });
    }
  }
  return { format: 'logback-xml', dialect: 'logback', targets, properties };
}

function fromProperties(
  data: Buffer,
  read: (entries: ReturnType<typeof propertyMap>) => LoggingConfig,
): LoggingConfigResult {
  // Properties.load(InputStream) reads ISO-8859-1.
  const parsed = parseProperties(data.toString('latin1'));
  if (!parsed.ok) return { ok: false, kind: 'bad-properties', reason: withLine(parsed.reason, parsed.line) };
  return { ok: true, config: read(propertyMap(parsed.entries)) };
}

function log4j2Properties(entries: ReturnType<typeof propertyMap>): LoggingConfig {
  const properties = new Map<string, string>();
  const targets: LogFileTarget[] = [];
  for (const [key, entry] of entries) {
    if (key.startsWith('property.')) properties.set(key.slice('property.'.length), entry.value);
    // `appender.<id>.type = RollingFile`, also for nested components (`appender.routing.routes...`).
    if (!key.startsWith('appender.') || !key.endsWith('.type')) continue;
    if (!LOG4J2_FILE_APPENDERS.has(entry.value.trim().toLowerCase())) continue;
    const prefix = key.slice(0, -'.type'.length);
    const appender = `${entry.value.trim()} ${entries.get(`${prefix}.name`)?.value.trim() ?? prefix.slice('appender.'.length)}`;
    for (const [otherKey, other] of entries) {
      if (!otherKey.startsWith(`${prefix}.`)) continue;
      const attribute = otherKey.slice(prefix.length + 1);
      if (LOG4J2_FILE_ATTRIBUTES.some((name) => ignoringCase(name, attribute)))
        targets.push({ appender, fileName: other.value.trim(), line: other.line });
    }
  }
  return { format: 'log4j2-properties', dialect: 'log4j2', targets, properties };
}

const JULI_FILE_HANDLERS = new Set(['org.apache.juli.FileHandler', 'org.apache.juli.AsyncFileHandler']);
const JDK_FILE_HANDLER = 'java.util.logging.FileHandler';

/**
 * JULI creates the handlers listed in `handlers` (ClassLoaderLogManager.readConfiguration); a
 * name may carry a prefix that starts with a digit (`1app.org.apache.juli.FileHandler`), and
 * each property is looked up with that prefix first, then without (ClassLoaderLogManager.getProperty).
 * org.apache.juli.FileHandler writes `directory/prefix` + the date (unless not rotatable) +
 * `suffix` (defaults `logs`, `juli.`, `.log`: FileHandler.configure), the JDK's FileHandler its
 * `pattern` (default `%h/java%u.log`).
 */
function juliProperties(entries: ReturnType<typeof propertyMap>): LoggingConfig {
  const targets: LogFileTarget[] = [];
  const handlers = entries.get('handlers');
  const property = (prefix: string, name: string) => entries.get(`${prefix}${name}`) ?? entries.get(name);
  for (const handler of (handlers?.value ?? '').split(',').map((name) => name.trim())) {
    if (handler === '') continue;
    const dot = /^\d/.test(handler) ? handler.indexOf('.') : -1;
    const [prefix, className] =
      dot === -1 ? ['', handler] : [handler.slice(0, dot + 1), handler.slice(dot + 1)];
    if (JULI_FILE_HANDLERS.has(className)) {
      const value = (name: string, otherwise: string) =>
        property(prefix, `${className}.${name}`)?.value.trim() ?? otherwise;
      const rotatable = value('rotatable', 'true').toLowerCase() === 'true';
      const fileName = `${value('directory', 'logs')}/${value('prefix', 'juli.')}${rotatable ? 'yyyy-MM-dd' : ''}${value('suffix', '.log')}`;
      const shown = property(prefix, `${className}.prefix`) ?? property(prefix, `${className}.directory`);
      targets.push({ appender: handler, fileName, line: (shown ?? handlers)?.line });
    } else if (className === JDK_FILE_HANDLER) {
      const pattern = property('', `${JDK_FILE_HANDLER}.pattern`);
      targets.push({
        appender: handler,
        fileName: pattern?.value.trim() ?? '%h/java%u.log',
        line: (pattern ?? handlers)?.line,
      });
    }
  }
  return { format: 'juli', dialect: 'juli', targets, properties: new Map() };
}
