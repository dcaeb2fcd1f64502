/**
 * What the walk over a WAR gathers for the rules, entry by entry, so that no entry is held
 * after it has been looked at: the two descriptors as trees, and for everything else only the
 * facts the rules need.
 */
import type { CheckFinding, FindingLocation, UnreadableEntry } from '../common/check-report.js';
import { readClassConstants } from './class-constants.js';
import { JDBC_DRIVER_SERVICE, leakProneLibraryOf, serviceClasses } from './rules/leak-prone.js';
import type { JdbcDriverJar, LeakProneLibrary } from './rules/leak-prone.js';
import { serverSocketUses, type ServerSocketUse } from './rules/listeners.js';
import { loggingFormatOf, readLoggingConfig } from './rules/log-configs.js';
import { sharedLogFileFindings } from './rules/logging.js';
import { CONTEXT_XML } from './rules/context-xml.js';
import { WEB_XML } from './rules/sessions.js';
import { parseXml, type XmlElement } from './xml.js';
import { EntryReadError, type ZipEntryItem } from './zip-entries.js';

/**
 * An XML, properties, JSP or class entry larger than this is not read (and is listed as
 * unreadable): real descriptors and classes are far smaller, and the walk must stay bounded.
 */
export const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** The methods whose calls put `;jsessionid=` into a URL (the two `Url` spellings are the deprecated javax ones). */
const URL_ENCODERS = new Set(['encodeURL', 'encodeRedirectURL', 'encodeUrl', 'encodeRedirectUrl']);
/** The same in a JSP's text: a scriptlet call, or JSTL's `<c:url>` (which calls encodeURL). */
const JSP_URL_ENCODERS = ['encodeURL', 'encodeRedirectURL', '<c:url'];
const JSP_EXTENSIONS = ['.jsp', '.jspx', '.jspf', '.tag', '.tagx', '.tagf'];

export class WarFacts {
  entries = 0;
  webXml: XmlElement | undefined;
  contextXml: XmlElement | undefined;
  urlRewriting: FindingLocation | undefined;
  readonly serverSockets: ServerSocketUse[] = [];
  readonly jdbcDrivers: JdbcDriverJar[] = [];
  readonly leakProne = new Map<string, Map<LeakProneLibrary, string>>();
  readonly logFindings: CheckFinding[] = [];
  readonly unreadable: UnreadableEntry[] = [];

  /** Looks at one entry of the walk (its bytes, when a rule needs them). */
  async inspect(item: ZipEntryItem): Promise<void> {
    this.entries++;
    if (item.jar === undefined) await this.inspectWarEntry(item);
    else await this.inspectJarEntry(item);
  }

  addUnreadable(entry: UnreadableEntry): void {
    this.unreadable.push(entry);
  }

  private async inspectWarEntry(item: ZipEntryItem): Promise<void> {
    const { file } = item;
    if (file === WEB_XML) this.webXml = await this.readXml(item);
    else if (file === CONTEXT_XML) this.contextXml = await this.readXml(item);
    else if (file.startsWith('WEB-INF/classes/')) {
      const inClasses = file.slice('WEB-INF/classes/'.length);
      if (file.endsWith('.class')) await this.inspectClass(item);
      else if (!inClasses.includes('/')) await this.inspectLogging(item, inClasses);
    } else if (!file.startsWith('WEB-INF/lib/') && isJsp(file)) await this.inspectJsp(item);
  }

  private async inspectJarEntry(item: ZipEntryItem): Promise<void> {
    const { file, jar } = item;
    if (file.endsWith('.class')) {
      this.noteLeakProne(jar!, file);
      await this.inspectClass(item);
    } else if (file === JDBC_DRIVER_SERVICE) await this.inspectDriverService(item);
    else if (!file.includes('/')) await this.inspectLogging(item, file);
    // Servlet 3 resource jars serve the JSPs under their META-INF/resources.
    else if (file.startsWith('META-INF/resources/') && isJsp(file)) await this.inspectJsp(item);
  }

  private async readXml(item: ZipEntryItem): Promise<XmlElement | undefined> {
    const data = await this.read(item);
    if (data === undefined) return undefined;
    const parsed = parseXml(data);
    if (parsed.ok) return parsed.root;
    const where = parsed.line === undefined ? '' : `line ${parsed.line}: `;
    this.unreadableItem(item, 'bad-xml', `${where}${parsed.reason}`);
    return undefined;
  }

  private async inspectClass(item: ZipEntryItem): Promise<void> {
    const data = await this.read(item);
    if (data === undefined) return;
    const result = readClassConstants(data);
    if (!result.ok) {
      this.unreadableItem(item, 'bad-class', `cannot read this class (${result.problem}): ${result.detail}`);
      return;
    }
    const { constants } = result;
    const uses = serverSocketUses(constants);
    if (uses.length > 0) {
      this.serverSockets.push({
        file: item.file,
        ...(item.jar === undefined ? {} : { jar: item.jar }),
        className: constants.className,
        uses,
      });
    }
    if (this.urlRewriting === undefined && constants.methodRefs.some((ref) => URL_ENCODERS.has(ref.name))) {
      this.urlRewriting = { ...place(item), className: constants.className };
    }
  }

  private async inspectJsp(item: ZipEntryItem): Promise<void> {
    // One page that encodes URLs is the evidence the session rule needs; the rest need not be read.
    if (this.urlRewriting !== undefined) return;
    const data = await this.read(item);
    if (data === undefined) return;
    const text = data.toString('utf8');
    if (JSP_URL_ENCODERS.some((word) => text.includes(word))) this.urlRewriting = place(item);
  }

  private async inspectLogging(item: ZipEntryItem, name: string): Promise<void> {
    const format = loggingFormatOf(name);
    if (format === undefined) return;
    const data = await this.read(item);
    if (data === undefined) return;
    const result = await readLoggingConfig(format, data);
    if (!result.ok) {
      this.unreadableItem(item, result.kind, result.reason);
      return;
    }
    this.logFindings.push(...sharedLogFileFindings(place(item), result.config));
  }

  private async inspectDriverService(item: ZipEntryItem): Promise<void> {
    const data = await this.read(item);
    // A service file that cannot be read still tells that the jar registers a driver.
    const drivers = data === undefined ? [] : serviceClasses(data.toString('utf8'));
    this.jdbcDrivers.push({
      jar: item.jar!,
      drivers: drivers.map((driver) => driver.name),
      ...(drivers[0] === undefined ? {} : { line: drivers[0].line }),
    });
  }

  private noteLeakProne(jar: string, file: string): void {
    const library = leakProneLibraryOf(file);
    if (library === undefined) return;
    const found = this.leakProne.get(jar) ?? new Map<LeakProneLibrary, string>();
    if (!found.has(library)) found.set(library, file);
    this.leakProne.set(jar, found);
  }

  /** The entry's bytes, or undefined (and an unreadable entry) when it is too large or cannot be read. */
  private async read(item: ZipEntryItem): Promise<Buffer | undefined> {
    if (item.size > MAX_ENTRY_BYTES) {
      this.unreadableItem(
        item,
        'too-large',
        `it is ${item.size} bytes; the check reads at most ${MAX_ENTRY_BYTES}`,
      );
      return undefined;
    }
    try {
      return await item.read();
    } catch (error) {
      if (!(error instanceof EntryReadError)) throw error;
      this.unreadableItem(item, error.kind, error.message);
      return undefined;
    }
  }

  private unreadableItem(item: ZipEntryItem, kind: UnreadableEntry['kind'], reason: string): void {
    this.unreadable.push({ ...place(item), kind, reason });
  }
}

function place(item: ZipEntryItem): { file: string; jar?: string } {
  return item.jar === undefined ? { file: item.file } : { file: item.file, jar: item.jar };
}

function isJsp(file: string): boolean {
  const lower = file.toLowerCase();
  return JSP_EXTENSIONS.some((extension) => lower.endsWith(extension));
}
