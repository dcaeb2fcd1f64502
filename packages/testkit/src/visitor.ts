/** What one page visit returned; the fields after `body` come from the test WAR's index.jsp line. */
export interface Visit {
  status: number;
  body: string;
  label?: string;
  /** Tomcat's webappVersion of the context that answered; `''` for an unversioned one. */
  version?: string;
  sessionId?: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

const LINE = /^label=(\S*) version=(\S*) session=(\S*)$/m;

/**
 * A browser-like visitor of the test WARs (Node's global fetch): keeps cookies (JSESSIONID) by
 * name and Path between calls and sends those whose Path matches, follows redirects itself so
 * that every hop sends and stores cookies. One visitor = one browser.
 */
export class Visitor {
  private cookies: Cookie[] = [];

  /** @param baseUrl e.g. `http://127.0.0.1:8080` (a TomcatInstance's `baseUrl`). */
  constructor(readonly baseUrl: string) {}

  /** GETs `path` (e.g. `/app/`) and parses the test WAR's `label=… version=… session=…` line. */
  async get(path: string): Promise<Visit> {
    let url = new URL(path, this.baseUrl);
    for (let hop = 0; hop < 5; hop++) {
      const res = await fetch(url, {
        headers: { cookie: this.cookieHeader(url.pathname), 'accept-language': 'en' },
        redirect: 'manual',
      });
      this.store(url.pathname, res.headers.getSetCookie());
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await res.arrayBuffer();
        url = new URL(location, url);
        continue;
      }
      const body = await res.text();
      const match = LINE.exec(body);
      if (match === null) return { status: res.status, body };
      return { status: res.status, body, label: match[1], version: match[2], sessionId: match[3] };
    }
    throw new Error(`more than 5 redirects from ${path}`);
  }

  /** The value of cookie `name` that a request to `path` would send (e.g. the JSESSIONID). */
  cookie(name: string, path: string): string | undefined {
    return this.matching(path).find((c) => c.name === name)?.value;
  }

  /** Drops every cookie, like a new browser. */
  forget(): void {
    this.cookies = [];
  }

  /** RFC 6265 5.1.4 path-match; longest path first, as browsers send them. */
  private matching(requestPath: string): Cookie[] {
    const matches = (p: string): boolean =>
      requestPath === p || (requestPath.startsWith(p) && (p.endsWith('/') || requestPath[p.length] === '/'));
    return this.cookies.filter((c) => matches(c.path)).sort((a, b) => b.path.length - a.path.length);
  }

  private cookieHeader(requestPath: string): string {
    return this.matching(requestPath)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(requestPath: string, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: defaultPath(requestPath) };
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=', 2);
        const k = key.toLowerCase();
        if (k === 'path' && value.startsWith('/')) cookie.path = value;
        if (k === 'max-age' && Number(value) <= 0) expired = true;
        if (k === 'expires' && Date.parse(value) <= Date.now()) expired = true;
      }
      this.cookies = this.cookies.filter((c) => c.name !== cookie.name || c.path !== cookie.path);
      if (!expired) this.cookies.push(cookie);
    }
  }
}

/** RFC 6265 5.1.4 default-path: the request path up to its last `/`, or `/`. */
function defaultPath(requestPath: string): string {
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}
