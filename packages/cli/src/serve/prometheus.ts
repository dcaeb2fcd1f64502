// From prom-client's index: the CLI's bundle leaves prom-client out (tsdown.config.ts says why),
// and Node loads it from node_modules when serve starts.
import { Counter, Gauge, Registry } from 'prom-client';
import { metaspaceUse } from '@tomcat-pd/core/internal';
import type { FleetSnapshot } from '@tomcat-pd/core';
import type { AdminState } from '@tomcat-pd/core/balancers';
import type { LbView } from './lb-section.js';
import { balancerMetrics } from './lb-metrics.js';

/** What `/metrics` answers: a registry of its own, filled from the last snapshot. */
export interface ServeMetrics {
  readonly contentType: string;
  /**
   * The Prometheus text of `snapshot`, and of the balancers (`lb`) where serve reads them
   * (filled again only when one of them changed).
   */
  text(snapshot: FleetSnapshot, lb?: LbView): Promise<string>;
}

export interface ServeMetricsOptions {
  /**
   * With balancers in the config: their series, and every admin state a member can have
   * (`ADMIN_STATES`, given by the caller so that this module loads none of the balancers' code).
   * Without, `/metrics` has no `tomcat_pd_lb_` series at all.
   */
  balancers?: { adminStates: readonly AdminState[] } | undefined;
}

/**
 * The metrics of `serve`, in a `Registry` of their own: never the global default, which any
 * library loaded into the process may fill. No default process metrics: they would describe
 * this small reader, not the Tomcats, and a host's node_exporter already tells its memory.
 *
 * Every series is set again from each snapshot after a reset, so that a version undeployed, a
 * role changed or a target down leaves no series behind (a stale series would read as current).
 */
export function createServeMetrics(options: ServeMetricsOptions = {}): ServeMetrics {
  const registry = new Registry();
  const registers = [registry];
  const fillBalancers =
    options.balancers === undefined ? undefined : balancerMetrics(registry, options.balancers.adminStates);
  const up = new Gauge({
    name: 'tomcat_pd_target_up',
    help: "1 when the target's last read succeeded, 0 when it failed (a target not read yet has no series)",
    labelNames: ['target'],
    registers,
  });
  const duration = new Gauge({
    name: 'tomcat_pd_read_duration_seconds',
    help: 'How long the last read of the target took (list, and the status page when it was due)',
    labelNames: ['target'],
    registers,
  });
  const readAt = new Gauge({
    name: 'tomcat_pd_read_timestamp_seconds',
    help: 'When the last read of the target ended (Unix time): time() minus this is the age of the data',
    labelNames: ['target'],
    registers,
  });
  const sessions = new Gauge({
    name: 'tomcat_pd_version_sessions',
    help: "Active sessions of a version (Tomcat's list), with its role: live, draining, drained, stopped or smoke",
    labelNames: ['target', 'app', 'version', 'role'],
    registers,
  });
  const live = new Gauge({
    name: 'tomcat_pd_version_live',
    help: 'Whether the version is the one new visitors get (1) or not (0)',
    labelNames: ['target', 'app', 'version'],
    registers,
  });
  const requests = new Counter({
    name: 'tomcat_pd_version_requests_total',
    help:
      "Requests the version served since it started: Tomcat's own counter from its status page, copied at each " +
      'read of the page (it starts again at 0 when the version restarts; versions without the status page have none)',
    labelNames: ['target', 'app', 'version'],
    registers,
  });
  const errors = new Counter({
    name: 'tomcat_pd_version_errors_total',
    help:
      "Error answers of the version since it started (uncaught exceptions and sendError, 404s too): Tomcat's own " +
      'counter from its status page, copied at each read of the page',
    labelNames: ['target', 'app', 'version'],
    registers,
  });
  const metaspaceUsed = new Gauge({
    name: 'tomcat_pd_target_metaspace_used_bytes',
    help: "The JVM's Metaspace in use (from the status page): each resident version holds its classes there",
    labelNames: ['target'],
    registers,
  });
  const metaspaceMax = new Gauge({
    name: 'tomcat_pd_target_metaspace_max_bytes',
    help: "The JVM's Metaspace limit (-XX:MaxMetaspaceSize); no series without a limit",
    labelNames: ['target'],
    registers,
  });

  const fill = (snapshot: FleetSnapshot) => {
    registry.resetMetrics();
    for (const entry of snapshot.targets) {
      if (entry.state === 'pending') continue;
      const target = entry.target;
      up.set({ target }, entry.state === 'up' ? 1 : 0);
      duration.set({ target }, entry.durationMs / 1000);
      readAt.set({ target }, entry.readAt / 1000);
      if (entry.state === 'down') continue;
      const { report } = entry;
      for (const app of report.apps) {
        for (const v of app.versions) {
          const labels = { target, app: app.path, version: v.version };
          sessions.set({ ...labels, role: v.role }, v.sessions);
          live.set(labels, v.role === 'live' ? 1 : 0);
          if (v.metrics === undefined) continue;
          requests.inc(labels, v.metrics.requests);
          errors.inc(labels, v.metrics.errors);
        }
      }
      if (report.metaspace !== undefined) {
        const use = metaspaceUse(report.metaspace);
        metaspaceUsed.set({ target }, use.usedBytes);
        if (use.share !== undefined && use.maxBytes !== null) metaspaceMax.set({ target }, use.maxBytes);
      }
    }
  };

  let filled: { snapshot: FleetSnapshot; lb: LbView | undefined } | undefined;
  return {
    contentType: registry.contentType,
    text(snapshot, lb) {
      if (filled?.snapshot !== snapshot || filled.lb !== lb) {
        fill(snapshot);
        // After the reset of fill: the balancers' series are set again from this view alone.
        if (lb !== undefined) fillBalancers?.(lb);
        filled = { snapshot, lb };
      }
      return registry.metrics();
    },
  };
}
