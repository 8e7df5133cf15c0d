import type { Bus } from './bus';
import { InProcessBus } from './in-process-bus';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus';

/** Which adapter, decided once at boot from configuration (ARCHITECTURE.md: two adapters per port). */
export type BusConfig = { adapter: 'in-process' } | ({ adapter: 'kafka' } & KafkaBusOptions);

export function createBus(config: BusConfig): Bus {
  switch (config.adapter) {
    case 'in-process':
      return new InProcessBus();
    case 'kafka': {
      const { adapter: _adapter, ...options } = config;
      return new KafkaBus(options);
    }
  }
}
