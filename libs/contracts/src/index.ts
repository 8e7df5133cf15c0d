export * from './request-event';
export * from './provider-api-types';
export * from './config-snapshots';
export * from './dead-letter';
export * from './topics';
export * from './routing-snapshots';
export * from './policy-snapshots';
export * from './health-snapshots';
