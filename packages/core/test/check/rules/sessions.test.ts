import { describe, expect, it } from 'vitest';
import { cookieReach, sessionFindings, type SessionFacts } from '../../../src/check/rules/sessions.js';
import { parseXml, type XmlElement } from '../../../src/check/xml.js';

function xml(text: string): XmlElement {
  const result = parseXml(text);
  if (!result.ok) throw new Error(result.reason);
  return result.root;
}

const webXml = (sessionConfig: string) =>
  xml(`<web-app>\n<session-config>\n${sessionConfig}\n</session-config>\n</web-app>`);
const ids = (facts: SessionFacts) =>
  sessionFindings(facts).map((finding) => `${finding.id}:${finding.severity}`);
const JSP = { file: 'index.jsp' };

describe('cookieReach', () => {
  it.each([
    ['/shop', '/shop', 'covers'],
    ['/shop/', '/shop', 'covers'],
    ['/', '/', 'covers'],
    ['/', '/shop', 'wider'],
    ['/a', '/a/b', 'wider'],
    ['/a/', '/a/b', 'wider'],
    ['/sh', '/shop', 'outside'],
    ['/shop/admin', '/shop', 'outside'],
    ['/other', '/shop', 'outside'],
    ['/shop', '/', 'outside'],
    ['shop', '/shop', 'outside'],
  ] as const)('a cookie at %s for the context %s: %s', (cookie, context, reach) => {
    expect(cookieReach(cookie, context)).toBe(reach);
  });
});

describe('session-tracking', () => {
  it('is an error when SSL is the only tracking mode, located at the tracking-mode', () => {
    const findings = sessionFindings({
      contextPath: '/shop',
      webXml: webXml('<tracking-mode>SSL</tracking-mode>'),
    });
    expect(findings).toMatchObject([
      { id: 'session-tracking', severity: 'error', locations: [{ file: 'WEB-INF/web.xml', line: 3 }] },
    ]);
  });

  it('is nothing for COOKIE, URL, both, or no tracking-mode', () => {
    for (const modes of ['<tracking-mode>COOKIE</tracking-mode>', '<tracking-mode>URL</tracking-mode>', '']) {
      expect(sessionFindings({ contextPath: '/shop', webXml: webXml(modes) })).toEqual([]);
    }
    expect(sessionFindings({ contextPath: '/shop' })).toEqual([]);
  });
});

describe('session-cookies-disabled', () => {
  const noCookies = xml('<Context cookies="false"/>');

  it('is an error when cookies are off and nothing encodes URLs', () => {
    expect(ids({ contextPath: '/shop', contextXml: noCookies })).toEqual(['session-cookies-disabled:error']);
  });

  it('is nothing when cookies are off but a class or JSP encodes URLs and URL tracking is on', () => {
    expect(sessionFindings({ contextPath: '/shop', contextXml: noCookies, urlRewriting: JSP })).toEqual([]);
    const withUrl = webXml('<tracking-mode>URL</tracking-mode>');
    expect(
      sessionFindings({ contextPath: '/shop', contextXml: noCookies, webXml: withUrl, urlRewriting: JSP }),
    ).toEqual([]);
  });

  it('is an error when cookies are off and web.xml leaves URL tracking out, even with URL encoding', () => {
    const cookieOnly = webXml('<tracking-mode>COOKIE</tracking-mode>');
    const [finding] = sessionFindings({
      contextPath: '/shop',
      contextXml: noCookies,
      webXml: cookieOnly,
      urlRewriting: JSP,
    });
    expect(finding).toMatchObject({
      id: 'session-cookies-disabled',
      locations: [
        { file: 'META-INF/context.xml', line: 1 },
        { file: 'WEB-INF/web.xml', line: 3 },
      ],
    });
  });

  it('reads cookies as Boolean.valueOf does: only "true" in any case is true; a ${...} is unknown', () => {
    expect(ids({ contextPath: '/shop', contextXml: xml('<Context cookies="no"/>') })).toEqual([
      'session-cookies-disabled:error',
    ]);
    expect(ids({ contextPath: '/shop', contextXml: xml('<Context Cookies="FALSE"/>') })).toEqual([
      'session-cookies-disabled:error',
    ]);
    expect(sessionFindings({ contextPath: '/shop', contextXml: xml('<Context cookies="TRUE"/>') })).toEqual(
      [],
    );
    expect(sessionFindings({ contextPath: '/shop', contextXml: xml('<Context cookies="${c}"/>') })).toEqual(
      [],
    );
    expect(sessionFindings({ contextPath: '/shop', contextXml: xml('<Other cookies="false"/>') })).toEqual(
      [],
    );
  });
});

describe('session-cookie-path', () => {
  const cookiePath = (path: string) => webXml(`<cookie-config>\n<path>${path}</path>\n</cookie-config>`);

  it('is an error for a path that does not cover the context path, located at <path>', () => {
    expect(sessionFindings({ contextPath: '/shop', webXml: cookiePath('/other') })).toMatchObject([
      { id: 'session-cookie-path', severity: 'error', locations: [{ file: 'WEB-INF/web.xml', line: 4 }] },
    ]);
  });

  it('is a warning for a wider path, nothing for the context path itself', () => {
    expect(ids({ contextPath: '/shop', webXml: cookiePath('/') })).toEqual(['session-cookie-path:warning']);
    expect(sessionFindings({ contextPath: '/shop', webXml: cookiePath('/shop') })).toEqual([]);
    expect(sessionFindings({ contextPath: '/shop', webXml: cookiePath('') })).toEqual([]);
  });

  it("takes the Context's sessionCookiePath over web.xml's, as SessionConfig.getSessionCookiePath does", () => {
    const contextXml = xml('<Context\n  sessionCookiePath="/shop"/>');
    expect(sessionFindings({ contextPath: '/shop', webXml: cookiePath('/other'), contextXml })).toEqual([]);
    const wrong = xml('<Context sessionCookiePath="/admin"/>');
    expect(
      sessionFindings({ contextPath: '/shop', webXml: cookiePath('/shop'), contextXml: wrong }),
    ).toMatchObject([
      { id: 'session-cookie-path', severity: 'error', locations: [{ file: 'META-INF/context.xml' }] },
    ]);
    // An empty one counts as not set.
    const empty = xml('<Context sessionCookiePath=""/>');
    expect(ids({ contextPath: '/shop', webXml: cookiePath('/x'), contextXml: empty })).toEqual([
      'session-cookie-path:error',
    ]);
  });

  it('compares against the context path it is given (ROOT is /)', () => {
    expect(sessionFindings({ contextPath: '/', webXml: cookiePath('/') })).toEqual([]);
    expect(ids({ contextPath: '/', webXml: cookiePath('/app') })).toEqual(['session-cookie-path:error']);
  });
});
