/**
 * The attributes of META-INF/context.xml's `<Context>` that misbehave when two versions of one
 * app run side by side (docs/war-check.md). Pure.
 */
import type { CheckFinding } from '../../common/check-report.js';
import type { XmlElement } from '../xml.js';

export const CONTEXT_XML = 'META-INF/context.xml';

/**
 * An attribute of `<Context>` as Tomcat's Digester sets it: IntrospectionUtils.setProperty
 * looks for `set` + the name with its first letter capitalised, so `cookies` and `Cookies`
 * both reach setCookies.
 */
export function contextAttribute(context: XmlElement, name: string): string | undefined {
  const capitalised = name.charAt(0).toUpperCase() + name.slice(1);
  return context.attributes[name] ?? context.attributes[capitalised];
}

/** A boolean attribute as IntrospectionUtils reads it (`Boolean.valueOf`: only `true`, any case, is true); undefined when absent or a `${...}` placeholder. */
export function contextFlag(context: XmlElement, name: string): boolean | undefined {
  const value = contextAttribute(context, name);
  if (value === undefined || value.includes('${')) return undefined;
  return value.toLowerCase() === 'true';
}

/** `context` is the root element of META-INF/context.xml; anything but `<Context>` is not Tomcat's. */
export function contextXmlFindings(context: XmlElement): CheckFinding[] {
  if (context.name !== 'Context') return [];
  const location = [{ file: CONTEXT_XML, line: context.line }];
  const findings: CheckFinding[] = [];
  const path = contextAttribute(context, 'path');
  if (path !== undefined) {
    findings.push({
      id: 'context-path',
      severity: 'warning',
      message: `${CONTEXT_XML} sets path="${path}", which Tomcat ignores.`,
      locations: location,
      why:
        'The context path of a WAR in appBase comes from its file name (shop##002.war is /shop, version 002): both ' +
        'versions get the path they are deployed at, whatever this attribute says. It tells a reader a path the app ' +
        'does not have.',
      fix: 'Remove the path attribute; choose the path when deploying (tomcat-pd deploy --path).',
    });
  }
  if (contextFlag(context, 'antiResourceLocking') === true) {
    findings.push({
      id: 'context-anti-resource-locking',
      severity: 'warning',
      message: `${CONTEXT_XML} sets antiResourceLocking="true".`,
      locations: location,
      why:
        'ContextConfig.antiLocking copies each version to a temporary file (tomcat-N-shop##002<random>.war) at every ' +
        'start and runs it from there: every version side by side costs a copy and a slower start, JSP reloading is ' +
        'off, and the Manager lists the copy as the docBase, so the version can no longer be read from it.',
      fix: 'Remove antiResourceLocking (the default is false); it is a work-around for file locking on Windows.',
    });
  }
  const workDir = contextAttribute(context, 'workDir');
  if (workDir !== undefined && workDir.trim() !== '') {
    findings.push({
      id: 'context-work-dir',
      severity: 'warning',
      message: `${CONTEXT_XML} sets a fixed workDir="${workDir}".`,
      locations: location,
      why:
        'Both versions get the same work directory: the JSPs compiled by one are served by the other, temporary ' +
        'files (jakarta.servlet.context.tempdir) collide, and undeploying the old version deletes the directory the ' +
        'new one uses (ContextConfig.destroy deletes the work path).',
      fix: 'Remove workDir: Tomcat then gives each version its own directory under $CATALINA_BASE/work (work/Catalina/localhost/shop##002).',
    });
  }
  const docBase = contextAttribute(context, 'docBase');
  if (docBase !== undefined) {
    findings.push({
      id: 'context-doc-base',
      severity: 'warning',
      message: `${CONTEXT_XML} sets docBase="${docBase}".`,
      locations: location,
      why:
        "A docBase must not be set for a WAR in appBase: HostConfig.deployWAR replaces it by the WAR's own name, so " +
        'it only misleads. Where it is honoured (a context file outside appBase), both versions serve the same files ' +
        'and the new version is not new.',
      fix: 'Remove docBase from META-INF/context.xml; each version is its own WAR (shop##002.war).',
    });
  }
  return findings;
}
