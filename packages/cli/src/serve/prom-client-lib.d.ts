// The three classes of prom-client that serve uses, imported from the package's own files
// (prometheus.ts says why): each file's `module.exports` is the class its index exports.
declare module 'prom-client/lib/registry.js' {
  import type { Registry } from 'prom-client';
  const RegistryClass: typeof Registry;
  export = RegistryClass;
}

declare module 'prom-client/lib/gauge.js' {
  import type { Gauge } from 'prom-client';
  const GaugeClass: typeof Gauge;
  export = GaugeClass;
}

declare module 'prom-client/lib/counter.js' {
  import type { Counter } from 'prom-client';
  const CounterClass: typeof Counter;
  export = CounterClass;
}
