/**
 * Whether a returning visitor's browser sends the session id back in a way Tomcat routes by
 * (docs/war-check.md). Parallel deployment keeps each visitor on the version that holds their
 * session: `org.apache.catalina.connector.CoyoteAdapter.postParseRequest` reads the requested
 * session id (the `;jsessionid=` path parameter when URL tracking is on, the session cookie, or,
 * with SSL as the only mode, the TLS session id) and asks each version's session manager,
 * newest first, which one knows it. Pure.
 */
import type { CheckFinding, FindingLocation } from '../../common/check-report.js';
import { childrenNamed, type XmlElement } from '../xml.js';
import { CONTEXT_XML, contextAttribute, contextFlag } from './context-xml.js';

export const WEB_XML = 'WEB-INF/web.xml';

export interface SessionFacts {
  /** The path the app will be deployed at (`/shop`, `/` for ROOT). */
  contextPath: string;
  /** The root element of WEB-INF/web.xml, when the WAR has a readable one. */
  webXml?: XmlElement | undefined;
  /** The root element of META-INF/context.xml, when the WAR has a readable one. */
  contextXml?: XmlElement | undefined;
  /** A class or JSP that encodes URLs (encodeURL, encodeRedirectURL, `<c:url>`), when one was seen. */
  urlRewriting?: FindingLocation | undefined;
}

export function sessionFindings(facts: SessionFacts): CheckFinding[] {
  const modes = trackingModes(facts.webXml);
  const context = facts.contextXml?.name === 'Context' ? facts.contextXml : undefined;
  return [
    ...sslOnly(modes),
    ...(context === undefined ? [] : cookiesDisabled(context, modes, facts.urlRewriting)),
    ...cookiePath(facts, context),
  ];
}

interface TrackingModes {
  modes: Set<string>;
  locations: FindingLocation[];
}

/** `<session-config><tracking-mode>` of web.xml; undefined when none is set (Tomcat's default: COOKIE and URL). */
function trackingModes(webXml: XmlElement | undefined): TrackingModes | undefined {
  if (webXml === undefined) return undefined;
  const elements = childrenNamed(webXml, 'session-config').flatMap((config) =>
    childrenNamed(config, 'tracking-mode'),
  );
  if (elements.length === 0) return undefined;
  return {
    modes: new Set(elements.map((element) => element.text)),
    locations: elements.map((element) => ({ file: WEB_XML, line: element.line })),
  };
}

function sslOnly(tracking: TrackingModes | undefined): CheckFinding[] {
  if (tracking === undefined || tracking.modes.size !== 1 || !tracking.modes.has('SSL')) return [];
  return [
    {
      id: 'session-tracking',
      severity: 'error',
      message: `${WEB_XML} tracks sessions by SSL only (<tracking-mode>SSL</tracking-mode>).`,
      locations: tracking.locations,
      why:
        'With SSL tracking the session id is the TLS session id: it is not sent in a cookie or a URL, lasts only as ' +
        'long as one TLS session (a browser opens several connections, TLS 1.3 does not resume by session id) and ' +
        'never reaches Tomcat behind a proxy or load balancer that ends TLS. A visitor whose id Tomcat does not ' +
        'find is routed to the newest version and loses their session there.',
      fix: 'Track sessions by cookie: remove the tracking-mode elements (Tomcat then uses COOKIE and URL) or write <tracking-mode>COOKIE</tracking-mode>.',
    },
  ];
}

const ENCODING_WORDS = 'encodeURL, encodeRedirectURL or <c:url>';

function cookiesDisabled(
  context: XmlElement,
  tracking: TrackingModes | undefined,
  urlRewriting: FindingLocation | undefined,
): CheckFinding[] {
  if (contextFlag(context, 'cookies') !== false) return [];
  const urlTracked = tracking === undefined || tracking.modes.has('URL');
  if (urlTracked && urlRewriting !== undefined) return [];
  const locations: FindingLocation[] = [{ file: CONTEXT_XML, line: context.line }];
  let message: string;
  if (urlTracked) {
    message = `${CONTEXT_XML} sets cookies="false" and no class or JSP rewrites URLs (${ENCODING_WORDS}).`;
  } else {
    message = `${CONTEXT_XML} sets cookies="false" and ${WEB_XML} does not track sessions by URL either.`;
    locations.push(...tracking.locations);
  }
  return [
    {
      id: 'session-cookies-disabled',
      severity: 'error',
      message,
      locations,
      why:
        'Without a session cookie the only way a session id comes back is a ;jsessionid= in the URL, which exists ' +
        'only where the app encodes its links. Without it no request carries a session id, so Tomcat routes every ' +
        'request to the newest version: a visitor of the old version is moved mid-session and every request opens ' +
        'a new session.',
      fix: 'Remove cookies="false" from META-INF/context.xml, or encode every link and redirect (response.encodeURL, encodeRedirectURL, <c:url>) and keep URL tracking on.',
    },
  ];
}

/**
 * The cookie path Tomcat sends, as SessionConfig.getSessionCookiePath chooses it: the Context's
 * sessionCookiePath, else web.xml's `<cookie-config><path>`, else the context path (an empty
 * value counts as not set).
 */
function cookiePath(facts: SessionFacts, context: XmlElement | undefined): CheckFinding[] {
  const configured = configuredCookiePath(facts.webXml, context);
  if (configured === undefined) return [];
  const reach = cookieReach(configured.path, facts.contextPath);
  if (reach === 'covers') return [];
  const path = configured.path;
  if (reach === 'wider') {
    return [
      {
        id: 'session-cookie-path',
        severity: 'warning',
        message: `The session cookie path ${path} (${configured.where}) is wider than the context path ${facts.contextPath}.`,
        locations: [configured.location],
        why:
          'The browser sends this cookie to every app under ' +
          path +
          ', and those that use the same cookie name (JSESSIONID) overwrite it: a visitor who uses another app ' +
          'there loses this session, and with it the version Tomcat kept them on.',
        fix: `Remove the path (Tomcat uses the context path, the same for every version) or set it to ${facts.contextPath}.`,
      },
    ];
  }
  return [
    {
      id: 'session-cookie-path',
      severity: 'error',
      message: `The session cookie path ${path} (${configured.where}) does not cover the context path ${facts.contextPath}.`,
      locations: [configured.location],
      why:
        `The browser sends a cookie back only for URLs under its path, so requests to ${facts.contextPath} come ` +
        'without the session id: Tomcat routes them to the newest version and opens a new session each time.',
      fix: `Remove the path (Tomcat uses the context path, the same for every version) or set it to ${facts.contextPath}.`,
    },
  ];
}

function configuredCookiePath(
  webXml: XmlElement | undefined,
  context: XmlElement | undefined,
): { path: string; where: string; location: FindingLocation } | undefined {
  const fromContext = context === undefined ? undefined : contextAttribute(context, 'sessionCookiePath');
  // A `${...}` is replaced from system properties by the Digester: its value is unknown here.
  if (fromContext !== undefined && fromContext !== '') {
    if (fromContext.includes('${')) return undefined;
    return {
      path: fromContext,
      where: `sessionCookiePath in ${CONTEXT_XML}`,
      location: { file: CONTEXT_XML, line: context!.line },
    };
  }
  const element = (webXml === undefined ? [] : childrenNamed(webXml, 'session-config'))
    .flatMap((config) => childrenNamed(config, 'cookie-config'))
    .flatMap((config) => childrenNamed(config, 'path'))
    .find((path) => path.text !== '');
  if (element === undefined) return undefined;
  return {
    path: element.text,
    where: `<cookie-config><path> in ${WEB_XML}`,
    location: { file: WEB_XML, line: element.line },
  };
}

/**
 * How far a cookie with this path reaches, by the path-match of RFC 6265 §5.1.4 applied to the
 * app's URLs (`/shop/...`): `covers` when it is the context path (with or without a trailing
 * `/`), `wider` when it is a whole-segment prefix of it (`/` for `/shop`), else `outside`
 * (`/other`, `/sh`, `/shop/admin`: the browser does not send it for the app's URLs).
 */
export function cookieReach(cookiePath: string, contextPath: string): 'covers' | 'wider' | 'outside' {
  const context = contextPath === '/' ? '' : contextPath;
  if (cookiePath === context || cookiePath === `${context}/`) return 'covers';
  const request = `${context}/`;
  const matches =
    cookiePath.startsWith('/') &&
    request.startsWith(cookiePath) &&
    (cookiePath.endsWith('/') || request[cookiePath.length] === '/');
  return matches ? 'wider' : 'outside';
}
