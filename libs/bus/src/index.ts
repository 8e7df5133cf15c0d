export * from './bus';
export * from './batch';
export { decodeMessage, encodeForPublish, encodeValue, type Decoded } from './codec';
export { deadLetterTo, toDeadLetter } from './dead-letter';
export { InProcessBus } from './in-process-bus';
export { KafkaBus, type KafkaBusOptions } from './kafka-bus';
export { createBus, type BusConfig } from './create-bus';
