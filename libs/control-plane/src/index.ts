export * from './snapshot-loaders';
export * from './snapshot-publisher';
export * from './sources';
export * from './control-plane-app';
export * from './service-unit';
export * from './distributed';
export * from './run-service';
