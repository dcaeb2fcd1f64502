import { describe, expect, it } from 'vitest';
import { loggingFormatOf, readLoggingConfig } from '../../../src/check/rules/log-configs.js';
import type { LoggingConfig, LoggingFormat } from '../../../src/check/rules/logging-config.js';
import { sharedLogFileFindings, sharedTargets } from '../../../src/check/rules/logging.js';

async function config(format: LoggingFormat, text: string): Promise<LoggingConfig> {
  const result = await readLoggingConfig(format, Buffer.from(text));
  if (!result.ok) throw new Error(`${result.kind}: ${result.reason}`);
  return result.config;
}

const sharedNames = async (format: LoggingFormat, text: string) =>
  sharedTargets(await config(format, text)).map((target) => target.fileName);

describe('loggingFormatOf', () => {
  it.each([
    ['log4j2.xml', 'log4j2-xml'],
    ['log4j2-test.xml', 'log4j2-xml'],
    ['log4j2-shop.properties', 'log4j2-properties'],
    ['log4j2.json', 'log4j2-json'],
    ['log4j2.jsn', 'log4j2-json'],
    ['log4j2.yaml', 'log4j2-yaml'],
    ['log4j2.yml', 'log4j2-yaml'],
    ['logback.xml', 'logback-xml'],
    ['logback-test.xml', 'logback-xml'],
    ['logging.properties', 'juli'],
  ])('%s is %s', (name, format) => {
    expect(loggingFormatOf(name)).toBe(format);
  });

  it.each(['log4j2.component.properties', 'log4j.xml', 'logback.groovy', 'app.properties', 'log4j2.txt'])(
    '%s is no logging configuration it reads',
    (name) => {
      expect(loggingFormatOf(name)).toBeUndefined();
    },
  );
});

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Properties>
    <Property name="dir">\${sys:catalina.base}/logs</Property>
    <Property name="version" value="\${web:attr.org.apache.catalina.webappVersion}"/>
  </Properties>
  <Appenders>
    <Console name="out"><PatternLayout pattern="%m%n"/></Console>
    <RollingFile name="shared" fileName="\${dir}/app.log" filePattern="\${dir}/app-%d.log.gz"/>
    <File name="mine" fileName="\${dir}/app-\${version}.log"/>
    <Appender type="RandomAccessFile" name="strict" fileName="logs/strict.log"/>
    <Routing name="routed"><Routes pattern="$\${ctx:x}"><Route><rollingFile name="r" fileName="logs/\${ctx:x}.log"/></Route></Routes></Routing>
  </Appenders>
</Configuration>`;

describe('readLoggingConfig and sharedTargets', () => {
  it('log4j2 XML: file appenders of any case and the strict form, through the Properties', async () => {
    const read = await config('log4j2-xml', LOG4J2_XML);
    expect(read.targets.map((target) => [target.appender, target.line])).toEqual([
      ['RollingFile shared', 9],
      ['RollingFile shared', 9],
      ['File mine', 10],
      ['RandomAccessFile strict', 11],
      ['rollingFile r', 12],
    ]);
    expect(await sharedNames('log4j2-xml', LOG4J2_XML)).toEqual([
      '${dir}/app.log',
      '${dir}/app-%d.log.gz',
      'logs/strict.log',
    ]);
  });

  it('log4j2 properties: appender.<id>.type with fileName/filePattern, and property.<name>', async () => {
    const text = [
      'property.dir = ${sys:catalina.base}/logs',
      'appender.console.type = Console',
      'appender.console.name = out',
      'appender.rolling.type = RollingFile',
      'appender.rolling.name = file',
      'appender.rolling.fileName = ${dir}/app.log',
      'appender.rolling.filePattern = ${dir}/app-%d.log',
      'appender.mine.type = File',
      'appender.mine.FILENAME = ${dir}/app-${web:attr.org.apache.catalina.webappVersion}.log',
    ].join('\n');
    expect(
      (await config('log4j2-properties', text)).targets.map((target) => [target.appender, target.line]),
    ).toEqual([
      ['RollingFile file', 6],
      ['RollingFile file', 7],
      ['File mine', 9],
    ]);
    expect(await sharedNames('log4j2-properties', text)).toEqual(['${dir}/app.log', '${dir}/app-%d.log']);
  });

  it('log4j2 JSON: a plugin key, a list of them, and typed appenders, with lines', async () => {
    const text = `{
  "configuration": {
    "properties": { "property": [ { "name": "dir", "value": "logs" } ] },
    "appenders": {
      "Console": { "name": "out" },
      "RollingFile": [
        { "name": "a", "fileName": "\${dir}/a.log", "filePattern": "\${dir}/a-%i.log" },
        { "name": "b", "fileName": "\${dir}/b-\${web:attr.org.apache.catalina.webappVersion}.log" }
      ],
      "appender": [ { "type": "File", "name": "c", "fileName": "c.log" } ]
    }
  }
}`;
    const read = await config('log4j2-json', text);
    expect(read.targets.map((target) => [target.appender, target.fileName, target.line])).toEqual([
      ['RollingFile a', '${dir}/a.log', 7],
      ['RollingFile a', '${dir}/a-%i.log', 7],
      ['RollingFile b', '${dir}/b-${web:attr.org.apache.catalina.webappVersion}.log', 8],
      ['File c', 'c.log', 10],
    ]);
    expect(await sharedNames('log4j2-json', text)).toEqual(['${dir}/a.log', '${dir}/a-%i.log', 'c.log']);
  });

  it('log4j2 YAML', async () => {
    const text = `Configuration:
  Properties:
    Property:
      name: dir
      value: \${sys:catalina.base}/logs
  Appenders:
    Console:
      name: out
    RollingFile:
      name: file
      fileName: \${dir}/app.log
      filePattern: \${dir}/app-\${web:attr.org.apache.catalina.webappVersion}-%d.log
`;
    expect(
      (await config('log4j2-yaml', text)).targets.map((target) => [target.fileName, target.line]),
    ).toEqual([
      ['${dir}/app.log', 11],
      ['${dir}/app-${web:attr.org.apache.catalina.webappVersion}-%d.log', 12],
    ]);
    expect(await sharedNames('log4j2-yaml', text)).toEqual(['${dir}/app.log']);
  });

  it('logback: <file> and <fileNamePattern> of appenders, through <property>', async () => {
    const text = `<configuration>
  <property name="DIR" value="\${catalina.base}/logs"/>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%msg</pattern></encoder></appender>
  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>\${DIR}/app.log</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.TimeBasedRollingPolicy">
      <fileNamePattern>\${DIR}/app.%d.log</fileNamePattern>
    </rollingPolicy>
  </appender>
  <appender name="MINE" class="ch.qos.logback.core.FileAppender"><file>\${DIR}/\${WEBAPP_VERSION}.log</file></appender>
</configuration>`;
    expect(
      (await config('logback-xml', text)).targets.map((target) => [target.fileName, target.line]),
    ).toEqual([
      ['${DIR}/app.log', 5],
      ['${DIR}/app.%d.log', 7],
      ['${DIR}/${WEBAPP_VERSION}.log', 10],
    ]);
    expect(await sharedNames('logback-xml', text)).toEqual(['${DIR}/app.log', '${DIR}/app.%d.log']);
  });

  it('JULI: only the handlers listed, with their prefixes, defaults and the JDK FileHandler', async () => {
    const text = [
      'handlers = 1shop.org.apache.juli.FileHandler, 2mine.org.apache.juli.AsyncFileHandler, \\',
      '    java.util.logging.FileHandler, java.util.logging.ConsoleHandler',
      '1shop.org.apache.juli.FileHandler.directory = ${catalina.base}/logs',
      '1shop.org.apache.juli.FileHandler.prefix = shop.',
      '2mine.org.apache.juli.AsyncFileHandler.prefix = shop-${classloader.webappName}.',
      '2mine.org.apache.juli.AsyncFileHandler.rotatable = false',
      '3unused.org.apache.juli.FileHandler.prefix = unused.',
    ].join('\n');
    const read = await config('juli', text);
    expect(read.targets.map((target) => [target.appender, target.fileName, target.line])).toEqual([
      ['1shop.org.apache.juli.FileHandler', '${catalina.base}/logs/shop.yyyy-MM-dd.log', 4],
      ['2mine.org.apache.juli.AsyncFileHandler', 'logs/shop-${classloader.webappName}..log', 5],
      ['java.util.logging.FileHandler', '%h/java%u.log', 1],
    ]);
    expect(await sharedNames('juli', text)).toEqual([
      '${catalina.base}/logs/shop.yyyy-MM-dd.log',
      '%h/java%u.log',
    ]);
  });

  it('JULI: no handlers, no files', async () => {
    expect((await config('juli', 'org.apache.juli.FileHandler.prefix = x.\n')).targets).toEqual([]);
  });

  it('fails with a typed kind on a broken file', async () => {
    expect(
      await readLoggingConfig('log4j2-xml', Buffer.from('<Configuration><Appenders></Configuration>')),
    ).toMatchObject({
      ok: false,
      kind: 'bad-xml',
    });
    expect(await readLoggingConfig('juli', Buffer.from('handlers = \\u00zz'))).toMatchObject({
      ok: false,
      kind: 'bad-properties',
    });
    expect(await readLoggingConfig('log4j2-yaml', Buffer.from('a: [1, 2\nb: {'))).toMatchObject({
      ok: false,
      kind: 'bad-yaml',
    });
    expect(await readLoggingConfig('log4j2-json', Buffer.from('{"configuration": '))).toMatchObject({
      ok: false,
      kind: 'bad-yaml',
    });
  });
});

describe('sharedLogFileFindings', () => {
  it('makes one warning per file, a location per appender line, and names the per-version lookup', async () => {
    const findings = sharedLogFileFindings(
      { file: 'log4j2.xml', jar: 'WEB-INF/lib/acme.jar' },
      await config('log4j2-xml', LOG4J2_XML),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'shared-log-file',
      severity: 'warning',
      locations: [
        { file: 'log4j2.xml', jar: 'WEB-INF/lib/acme.jar', line: 9 },
        { file: 'log4j2.xml', jar: 'WEB-INF/lib/acme.jar', line: 11 },
      ],
    });
    expect(findings[0]!.message).toContain('${dir}/app.log');
    expect(findings[0]!.fix).toContain('${web:attr.org.apache.catalina.webappVersion}');
  });

  it('makes none when every file is per version', async () => {
    const text =
      '<Configuration><Appenders><File name="f" fileName="logs/${web:attr.org.apache.catalina.webappVersion}.log"/></Appenders></Configuration>';
    expect(
      sharedLogFileFindings({ file: 'WEB-INF/classes/log4j2.xml' }, await config('log4j2-xml', text)),
    ).toEqual([]);
  });
});
