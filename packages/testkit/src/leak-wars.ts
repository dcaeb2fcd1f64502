/**
 * Test WARs for Tomcat's `findleaks` (docs/tomcat-manager.md#findleaks): one whose class loader
 * stays behind after an undeploy, and one that cleans up after itself.
 *
 * Why a thread leaks the class loader: `StandardHost`'s MemoryLeakTrackingListener keeps every
 * webapp class loader in a WeakHashMap, and `findReloadedContextMemoryLeaks()` runs `System.gc()`
 * and names each one still there whose state is no longer available. A thread started in
 * `contextInitialized` runs code of a class that class loader defined (and has it as its context
 * class loader, inherited from the starting thread: Tomcat binds the webapp's loader while it
 * calls listeners), so while the thread lives, the loader is strongly reachable from a GC root.
 * Tomcat does not stop it: `clearReferencesStopThreads` is false by default (WebappClassLoaderBase
 * only logs "appears to have started a thread ... but has failed to stop it"), and the loop below
 * ignores interrupts anyway.
 */
import { join } from 'node:path';
import { compileJava, SERVLET_API_JAR, SERVLET_PACKAGE } from './java-compile.js';
import type { ClassFile } from './java-compile.js';
import { testWarEntries, writeZip } from './test-war.js';
import { chosenLine } from './tomcat-instance.js';
import type { TomcatLine } from './tomcat-instance.js';

/** Options of {@link buildLeakyWar} and {@link buildTidyWar}. */
export interface LeakWarOptions {
  /** Printed by index.jsp as `label=<label>`, and part of the thread's name; `[A-Za-z0-9._-]+`. */
  label: string;
  /** The file name inside `dir`; default `<label>-leaky.war` / `<label>-tidy.war`. */
  fileName?: string;
}

/** The listener's class, the same name in both WARs (each WAR has its own class loader). */
const LISTENER_CLASS = 'pd.leak.SleeperListener';

/**
 * The listener: `contextInitialized` starts a non-daemon thread `pd-sleeper-<label>` that sleeps
 * in a loop. With `stopOnDestroy`, `contextDestroyed` interrupts it and waits for it to end (the
 * tidy WAR); without, the thread outlives the context (the leaky WAR) and ignores interrupts, so
 * nothing Tomcat might try ends it.
 */
function listenerSource(servletPackage: string, stopOnDestroy: boolean): string {
  return `package pd.leak;

import ${servletPackage}.ServletContextEvent;
import ${servletPackage}.ServletContextListener;

public class SleeperListener implements ServletContextListener {
  private static final boolean STOP_ON_DESTROY = ${String(stopOnDestroy)};
  private Thread worker;

  @Override
  public void contextInitialized(ServletContextEvent event) {
    String label = event.getServletContext().getInitParameter("label");
    worker = new Thread(new Sleeper(), "pd-sleeper-" + label);
    worker.start();
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    if (!STOP_ON_DESTROY || worker == null) return;
    worker.interrupt();
    try {
      worker.join(10000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker = null;
  }

  private static final class Sleeper implements Runnable {
    @Override
    public void run() {
      while (true) {
        try {
          Thread.sleep(60000L);
        } catch (InterruptedException e) {
          if (STOP_ON_DESTROY) return;
        }
      }
    }
  }
}
`;
}

const compiled = new Map<string, Promise<ClassFile[]>>();

/** The listener's class files for a line, compiled once per process (javac takes ~1 s). */
function listenerClasses(line: TomcatLine, stopOnDestroy: boolean): Promise<ClassFile[]> {
  const key = `${line}:${String(stopOnDestroy)}`;
  let classes = compiled.get(key);
  if (classes === undefined) {
    classes = compileJava({
      sources: { 'pd/leak/SleeperListener.java': listenerSource(SERVLET_PACKAGE[line], stopOnDestroy) },
      classpath: [SERVLET_API_JAR[line]],
    });
    // A failed compilation is not cached: the next call reports it again.
    classes.catch(() => compiled.delete(key));
    compiled.set(key, classes);
  }
  return classes;
}

async function buildSleeperWar(
  dir: string,
  options: LeakWarOptions,
  stopOnDestroy: boolean,
): Promise<string> {
  const line = chosenLine();
  const listener = `  <listener>\n    <listener-class>${LISTENER_CLASS}</listener-class>\n  </listener>\n`;
  const entries = testWarEntries(options.label, undefined, listener);
  for (const file of await listenerClasses(line, stopOnDestroy)) {
    entries.push({ name: `WEB-INF/classes/${file.name}`, data: file.data });
  }
  const fileName = options.fileName ?? `${options.label}-${stopOnDestroy ? 'tidy' : 'leaky'}.war`;
  return writeZip(join(dir, fileName), entries);
}

/**
 * Builds a WAR (the test app's index.jsp and web.xml, for the line of `chosenLine()`) whose
 * listener starts a thread that never ends: after an undeploy (or a stop, or a reload) its class
 * loader stays in memory, and `findleaks` names its context path. The thread keeps running in
 * the JVM until Tomcat stops. Returns the WAR's path.
 */
export function buildLeakyWar(dir: string, options: LeakWarOptions): Promise<string> {
  return buildSleeperWar(dir, options, false);
}

/**
 * Builds a WAR with the same listener, except that `contextDestroyed` stops its thread and waits
 * for it: after an undeploy nothing holds its class loader, and `findleaks` does not name it.
 * Returns the WAR's path.
 */
export function buildTidyWar(dir: string, options: LeakWarOptions): Promise<string> {
  return buildSleeperWar(dir, options, true);
}
